"""Staff whose client requires two-step sign-in set it up before doing anything else.

A client admin can switch the requirement on while staff are signed in, and
staff without an app can still sign in with their password; this hook, run
on every signed-in request after the session check and the password gate,
keeps such a person to the set-up pages, sign-out, the session keepalive and
static files. Pages redirect to the set-up; the JSON API answers 403.

The password gate (app.web.password_gate) goes first: someone who must also
change their password does that, then sets up the app. This gate therefore
lets the change-password page through, or the two would send each other back
and forth.
"""

from __future__ import annotations

from flask import Flask, flash, jsonify, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.db import get_session
from app.services.two_factor import is_required
from auth.mfa_rules import second_factor_required

#: Endpoints someone who must set up a second factor may still use.
ALLOWED = frozenset(
    {
        "two_factor.enrol",
        "two_factor.enrol_confirm",
        "password.change",
        "accounts.signout",
        "accounts.keepalive",
        "static",
    }
)
MESSAGE = "Your organisation requires two-step sign-in. Please set it up to continue."


def init_app(app: Flask) -> None:
    """Check every signed-in request (register after the session guard and password gate)."""
    app.before_request(require_second_factor)


def require_second_factor() -> ResponseReturnValue | None:
    """Send staff who must have a second factor, and have none, to set one up."""
    if request.endpoint in (None, *ALLOWED) or not current_user.is_authenticated:
        return None
    user = current_user._get_current_object()
    # Cheap checks first: most requests are customers' or from people already enrolled.
    if user.has_second_factor or not second_factor_required(user.role, required_for_staff=True):
        return None
    if not is_required(get_session(), user):
        return None
    if request.path.startswith("/api/"):
        return jsonify(error={"code": "second_factor_required", "message": MESSAGE}), 403
    if all(text != MESSAGE for _category, text in session.get("_flashes", ())):
        flash(MESSAGE, "warning")
    return redirect(url_for("two_factor.enrol"))
