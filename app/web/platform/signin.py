"""Signing in to the platform: the clients' sign-in service and rules, without a client."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from app import get_config
from app.access import platform_write, public
from app.db import get_session, utcnow
from app.services.second_factor import CodeAttempt, CodeRefused, SignInAgain, complete_sign_in
from app.services.signin import Attempt, SecondFactorNeeded, SignInFailed, sign_in
from app.web import pending_sign_in, signed_in
from app.web.forms.accounts import SignInForm
from app.web.forms.two_factor import CodeForm
from app.web.two_factor.signin_code import START_AGAIN


@public
@platform_write
def signin() -> ResponseReturnValue:
    """GET/POST: sign in as support staff or a platform administrator."""
    form = SignInForm()
    if form.validate_on_submit():
        attempt = Attempt(
            email=form.email.data,
            password=form.password.data,
            ip_address=request.remote_addr or "",
            user_agent=request.user_agent.string,
        )
        now = utcnow()
        try:
            result = sign_in(get_session(), get_config(), None, attempt, now=now)
        except SignInFailed:
            flash(SignInFailed.message, "error")
            return render_template("platform/signin.html", form=form), 401
        if isinstance(result, SecondFactorNeeded):
            pending_sign_in.remember(result, None, next_url=request.args.get("next"), now=now)
            return redirect(url_for("platform.signin_code"))
        return signed_in.land(result, request.args.get("next"))
    return render_template("platform/signin.html", form=form), 400 if form.errors else 200


@public
@platform_write
def signin_code() -> ResponseReturnValue:
    """GET/POST: the code that finishes a platform sign-in whose password was right."""
    now = utcnow()
    pending = pending_sign_in.load(None, now=now)
    if pending is None:
        flash(START_AGAIN, "info")
        return redirect(url_for("platform.signin"))
    form = CodeForm()
    if form.validate_on_submit():
        attempt = CodeAttempt(
            code=form.code.data,
            ip_address=request.remote_addr or "",
            user_agent=request.user_agent.string,
        )
        try:
            done = complete_sign_in(
                get_session(), get_config(), None, pending.needed, attempt, now=now
            )
        except CodeRefused:
            form.code.errors.append(CodeRefused.message)
            return render_template("platform/signin_code.html", form=form), 401
        except SignInAgain:
            pending_sign_in.forget()
            flash(SignInAgain.message, "warning")
            return redirect(url_for("platform.signin", next=pending.next_url))
        return signed_in.land(done.signed_in, pending.next_url)
    return render_template("platform/signin_code.html", form=form), 400 if form.errors else 200
