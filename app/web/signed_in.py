"""The moment a sign-in completes, with or without a code: open the session and send them on."""

from __future__ import annotations

from flask import flash, redirect
from flask_login import login_user
from werkzeug.wrappers import Response

from app.services.signin import SignedIn
from app.web import pending_sign_in
from app.web.navigation import home_for, safe_next

#: The password gate (app.web.password_gate) says the same, and shows it only once.
EXPIRED_MESSAGE = "Your password has expired. Please choose a new one."


def land(signed_in: SignedIn, next_url: str | None) -> Response:
    """Sign the user in (a server-side session opens), warn about the password, redirect."""
    user = signed_in.user
    pending_sign_in.forget()  # whatever half-finished sign-in this browser had is done
    login_user(user)
    if signed_in.must_change_password:
        flash(EXPIRED_MESSAGE, "warning")
    elif signed_in.password_expires_at:
        flash(
            f"Your password expires on {signed_in.password_expires_at:%d %B %Y}. "
            "Please choose a new one soon.",
            "warning",
        )
    return redirect(safe_next(next_url) or home_for(user))
