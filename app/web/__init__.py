"""HTTP blueprints, one per feature."""

from __future__ import annotations

from flask import Flask

from app.web import accounts, main


def register_blueprints(app: Flask) -> None:
    """Attach every blueprint to `app`."""
    app.register_blueprint(main.bp)
    app.register_blueprint(accounts.bp)
