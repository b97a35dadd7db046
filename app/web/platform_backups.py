"""The backups page of the platform administrators: every backup with its status."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from app.access import login_required_role
from app.config import get_config
from app.db import get_session
from app.models import Role
from app.services import backups

bp = Blueprint("platform_backups", __name__, url_prefix="/platform/backups")


@bp.get("")
@login_required_role(Role.PLATFORM_ADMIN)
def backup_list() -> ResponseReturnValue:
    """GET: the recent backups, newest first, failures and verifications included."""
    config = get_config()
    rows = backups.list_backups(get_session())
    return render_template(
        "platform_backups/list.html",
        backups=rows,
        zone=ZoneInfo(config.timezone),
        config=config,
    )
