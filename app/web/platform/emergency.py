"""Emergency ("break-glass") access: a platform administrator opens it without the client."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from app.access import login_required_role, platform_write
from app.db import get_session
from app.errors import InvalidInput
from app.models import Role
from app.services.support_grants import MAX_EMERGENCY_MINUTES, clients_to_choose, open_emergency
from app.web.platform import common
from app.web.platform.forms import EmergencyForm


@login_required_role(Role.PLATFORM_ADMIN)
@platform_write
def emergency() -> ResponseReturnValue:
    """GET/POST: open emergency access to one client for up to an hour; its admins are told."""
    form = EmergencyForm()
    form.client.choices = [("", "Choose a client")] + [
        (str(c.id), f"{c.name} ({c.slug})") for c in clients_to_choose(get_session())
    ]
    if form.validate_on_submit():
        try:
            grant = open_emergency(
                get_session(),
                actor=common.actor(),
                client_id=_uuid(form.client.data),
                reason=form.reason.data,
                minutes=form.minutes.data,
                now=common.now(),
            )
        except InvalidInput as refused:
            fields = {"client": form.client, "duration": form.minutes}
            target = fields.get(getattr(refused, "field", ""), form.reason)
            target.errors = [*target.errors, str(refused)]
        else:
            flash(
                "Emergency access is open; the client's administrators have been told.", "warning"
            )
            return redirect(url_for("platform.customers", client_id=grant.client_id))
    status = 400 if form.errors else 200
    page = render_template("platform/emergency.html", form=form, limit=MAX_EMERGENCY_MINUTES)
    return page, status


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return None
