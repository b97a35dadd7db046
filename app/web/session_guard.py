"""Every signed-in request passes here: the server-side session must still be valid.

A session that has been idle too long or reached its lifetime is ended on the
server and the person is sent to sign in again, told why. Pages of signed-in
people are never cached. The page's countdown (static/js/session-timeout.js)
only warns; this hook is what enforces.
"""

from __future__ import annotations

from flask import Flask, current_app, flash, g, jsonify, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, logout_user, user_logged_in
from werkzeug.wrappers import Response

from app.access import AccessRule, access_rule
from app.db import get_session, utcnow
from app.models import SessionEndReason
from app.services import sessions
from scheduling.reasons import describe_duration

SESSION_KEY = sessions.SESSION_KEY


def init_app(app: Flask) -> None:
    """Open a server-side session at every sign-in and check it on every request."""
    user_logged_in.connect(_opened, app)
    app.before_request(check_session)
    app.after_request(_no_store_when_signed_in)
    app.context_processor(lambda: {"session_seconds_left": seconds_left})


def _opened(app: Flask, user, **_extra) -> None:
    session[SESSION_KEY] = sessions.open_session(
        get_session(),
        user,
        now=utcnow(),
        ip_address=request.remote_addr or "",
        user_agent=request.user_agent.string,
    )


def check_session() -> ResponseReturnValue | None:
    """End an expired session; remember when a valid one expires (for the countdown)."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    user = current_user._get_current_object()
    result = sessions.check(get_session(), user, session.get(SESSION_KEY), now=utcnow())
    if result.ended is None:
        g.session_expires_at = result.expires_at
        return None
    slug = user.client.slug if user.client else None
    logout_user()
    session.clear()
    return _signed_out_response(result, slug)


def _signed_out_response(
    result: sessions.SessionCheck, slug: str | None
) -> ResponseReturnValue | None:
    message = _why(result)
    if request.path.startswith("/api/"):
        return jsonify(error={"code": "signed_out", "message": message}), 401
    flash(message, "warning")
    view = request.endpoint and access_rule_for(request.endpoint)
    if view is not None and view.public:
        return None  # a public page simply continues for the now anonymous visitor
    if slug is None:  # a platform account: its own sign-in page
        return redirect(url_for("platform.signin", next=request.full_path))
    return redirect(url_for("accounts.signin", slug=slug, next=request.full_path))


def access_rule_for(endpoint: str) -> AccessRule | None:
    function = current_app.view_functions.get(endpoint)
    return access_rule(function) if function else None


def _why(result: sessions.SessionCheck) -> str:
    if result.ended is SessionEndReason.IDLE:
        return (
            f"You were signed out after {describe_duration(result.idle_limit)} of inactivity. "
            "Please sign in again."
        )
    if result.ended is SessionEndReason.ABSOLUTE:
        return "Your session reached its time limit. Please sign in again."
    return "You were signed out. Please sign in again."


def seconds_left() -> int | None:
    """Seconds until the current session ends, for the page's countdown."""
    expires = g.get("session_expires_at")
    return None if expires is None else max(0, int((expires - utcnow()).total_seconds()))


def end_current_session() -> None:
    """Sign-out: end this browser's session on the server."""
    sessions.end(get_session(), session.get(SESSION_KEY), SessionEndReason.SIGNED_OUT, now=utcnow())


def _no_store_when_signed_in(response: Response) -> Response:
    if current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response
