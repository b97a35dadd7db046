"""The second step of signing in: after a right password, a code (or a recovery code)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from app import get_config
from app.access import public
from app.db import get_session, utcnow
from app.services.second_factor import CodeAttempt, CodeRefused, SignInAgain, complete_sign_in
from app.web import pending_sign_in, signed_in
from app.web.accounts import load_client
from app.web.forms.two_factor import CodeForm

START_AGAIN = "Please sign in again: the code has to follow the password within 5 minutes."


@public
def signin_code(slug: str) -> ResponseReturnValue:
    """GET/POST: the code that finishes a sign-in whose password was right."""
    client = load_client(slug)
    now = utcnow()
    pending = pending_sign_in.load(client, now=now)
    if pending is None:
        flash(START_AGAIN, "info")
        return redirect(url_for("accounts.signin", slug=client.slug))
    form = CodeForm()
    if form.validate_on_submit():
        attempt = CodeAttempt(
            code=form.code.data,
            ip_address=request.remote_addr or "",
            user_agent=request.user_agent.string,
        )
        try:
            done = complete_sign_in(
                get_session(), get_config(), client, pending.needed, attempt, now=now
            )
        except CodeRefused:
            form.code.errors.append(CodeRefused.message)
            return render_template("two_factor/signin_code.html", client=client, form=form), 401
        except SignInAgain:
            pending_sign_in.forget()
            flash(SignInAgain.message, "warning")
            return redirect(url_for("accounts.signin", slug=client.slug, next=pending.next_url))
        if done.recovery_codes_left is not None:
            flash(_recovery_code_used(done.recovery_codes_left), "warning")
        return signed_in.land(done.signed_in, pending.next_url)
    status = 400 if form.errors else 200
    return render_template("two_factor/signin_code.html", client=client, form=form), status


def _recovery_code_used(left: int) -> str:
    remaining = "no recovery codes" if left == 0 else f"{left} recovery code{'s' * (left != 1)}"
    return (
        f"You signed in with a recovery code, which now no longer works; you have {remaining} "
        "left. If you lost your authenticator app, set up a new one under Two-step sign-in."
    )
