"""Home page and health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask.typing import ResponseReturnValue

from app.access import public

bp = Blueprint("main", __name__)


@bp.get("/")
@public
def home() -> ResponseReturnValue:
    """The landing page."""
    return render_template("main/home.html")


@bp.get("/healthz")
@public
def healthz() -> ResponseReturnValue:
    """Liveness probe for load balancers and orchestrators."""
    return jsonify(status="ok")
