"""Someone whose password must change may do nothing else until it has.

The sign-in service lets a person with an expired password (the client's
maximum age passed, or an administrator asked for a new one) sign in, so that
they can choose a new one; this hook, run on every signed-in request after the
session check, keeps them to the change-password page, sign-out, the
session keepalive and static files. Pages redirect there (and come back
afterwards); the JSON API answers 403.

During the week before a password expires, every page shows a banner saying
when (templates/account/expiry_banner.html, through `password_expires_on`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, flash, g, jsonify, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.db import get_session, utcnow
from app.models import User
from app.services.passwords import password_state

#: Endpoints someone with an expired password may still use.
ALLOWED = frozenset({"password.change", "accounts.signout", "accounts.keepalive", "static"})
MESSAGE = "Your password has expired. Please choose a new one."


def init_app(app: Flask) -> None:
    """Check every signed-in request; offer the expiry date to templates."""
    app.before_request(require_usable_password)
    app.context_processor(lambda: {"password_expires_on": g.get("password_expires_on")})


def require_usable_password() -> ResponseReturnValue | None:
    """Send someone whose password must change to the change page; note one expiring soon."""
    if request.endpoint in (None, "static") or not current_user.is_authenticated:
        return None  # no route matched (404 follows), or nothing private to guard
    user = current_user._get_current_object()
    state = password_state(get_session(), user, now=utcnow())
    if not state.expired:
        if state.warn and state.expires_at is not None:
            g.password_expires_on = _local_date(user, state.expires_at)
        return None
    if request.endpoint in ALLOWED:
        return None
    if request.path.startswith("/api/"):
        return jsonify(error={"code": "password_expired", "message": MESSAGE}), 403
    _flash_once(MESSAGE)
    # A page they asked for is where they go once the password is changed; a form
    # post is not repeated.
    back = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("password.change", next=back))


def _flash_once(message: str) -> None:
    # Sign-in already says it on the way here; the page should not say it twice.
    if all(text != message for _category, text in session.get("_flashes", ())):
        flash(message, "warning")


def _local_date(user: User, moment: datetime) -> date:
    zone = ZoneInfo(user.client.timezone) if user.client else UTC
    return moment.astimezone(zone).date()
