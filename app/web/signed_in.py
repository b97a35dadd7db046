"""The moment a sign-in completes, with or without a code: open the session and send them on."""

from __future__ import annotations

from flask import redirect
from flask_login import login_user
from werkzeug.wrappers import Response

from app.services.signin import SignedIn
from app.web import pending_sign_in
from app.web.navigation import home_for, safe_next

#: The password gate (app.web.password_gate) says the same, and shows it only once.


def land(signed_in: SignedIn, next_url: str | None) -> Response:
    """Sign the user in (a server-side session opens), warn about the password, redirect."""
    user = signed_in.user
    pending_sign_in.forget()  # whatever half-finished sign-in this browser had is done
    login_user(user)
    # No notice here: the password gate and the expiry banner say it on the next page.
    return redirect(safe_next(next_url) or home_for(user))
