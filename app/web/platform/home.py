"""The platform home: the clients whose grants let this person in right now."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from app.access import login_required_role
from app.db import get_session
from app.models import Role
from app.services.support_grants import grants_in_force
from app.web.platform import common


@login_required_role(Role.SUPPORT, Role.PLATFORM_ADMIN)
def home() -> ResponseReturnValue:
    """GET: the grants in force for this person, with links into each client."""
    grants = grants_in_force(get_session(), common.actor(), now=common.now())
    return render_template("platform/home.html", grants=grants)
