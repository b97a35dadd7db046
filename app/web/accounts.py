"""Signing in and out of a client's pages, and customers creating an account."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_user, logout_user
from sqlalchemy import select

from app import get_config
from app.access import login_required_role, public
from app.db import get_session, utcnow
from app.errors import Conflict, InvalidInput, NotFound
from app.models import Client
from app.services.client_policy import client_policy
from app.services.passwords import PasswordRefused
from app.services.registration import register_customer
from app.services.sessions import signed_in_client
from app.services.signin import Attempt, SecondFactorNeeded, SignInFailed, sign_in
from app.web import pending_sign_in, signed_in
from app.web.forms.accounts import RegisterForm, SignInForm
from app.web.navigation import home_for, safe_next
from app.web.session_guard import end_current_session, seconds_left

bp = Blueprint("accounts", __name__)


def load_client(slug: str) -> Client:
    """The client of a public URL, else 404."""
    session = get_session()
    # A signed-in user's own client came with the user (app.login): no second query.
    client = signed_in_client(session, slug)
    if client is None:
        query = select(Client).where(Client.slug == slug, Client.closed_at.is_(None))
        client = session.scalars(query).one_or_none()
    if client is None:  # unknown or closed: the same answer
        raise NotFound
    return client


@bp.route("/c/<slug>/signin", methods=["GET", "POST"])
@public
def signin(slug: str) -> ResponseReturnValue:
    """Sign in as a customer, staff member or admin of this client."""
    client = load_client(slug)
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
            result = sign_in(get_session(), get_config(), client, attempt, now=now)
        except SignInFailed:
            flash(SignInFailed.message, "error")
            return render_template("auth/signin.html", client=client, form=form), 401
        if isinstance(result, SecondFactorNeeded):
            # Not signed in yet: the code page finishes it (app.web.two_factor).
            pending_sign_in.remember(result, client, next_url=request.args.get("next"), now=now)
            return redirect(url_for("two_factor.signin_code", slug=client.slug))
        return signed_in.land(result, request.args.get("next"))
    status = 400 if form.errors else 200
    return render_template("auth/signin.html", client=client, form=form), status


@bp.route("/c/<slug>/register", methods=["GET", "POST"])
@public
def register(slug: str) -> ResponseReturnValue:
    """Create a customer account with this client and sign in."""
    client = load_client(slug)
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = register_customer(
                get_session(),
                get_config(),
                client,
                email=form.email.data,
                display_name=form.display_name.data,
                password=form.password.data,
            )
        except PasswordRefused as refused:
            form.password.errors.extend(refused.problems)
        except (InvalidInput, Conflict) as refused:
            form.email.errors.append(_sentence(str(refused)))
        else:
            login_user(user)
            flash("Your account is ready.", "success")
            return redirect(safe_next(request.args.get("next")) or home_for(user))
    status = 400 if form.errors else 200
    rules = client_policy(get_session(), client.id).password
    page = render_template("auth/register.html", client=client, form=form, rules=rules)
    return page, status


@bp.post("/signout")
@login_required_role()
def signout() -> ResponseReturnValue:
    """Sign out (a POST, so no link or image can sign anyone out)."""
    end_current_session()
    logout_user()
    flash("You are signed out.", "success")
    return redirect(url_for("main.home"))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


@bp.post("/session/keepalive")
@login_required_role()
def keepalive() -> ResponseReturnValue:
    """'Stay signed in': the request itself counts as activity; say when it now ends."""
    return jsonify(seconds_left=seconds_left())
