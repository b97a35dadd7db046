"""Forgotten passwords, for clients that offer a reset by e-mail (404 everywhere otherwise).

The link in the e-mail (/c/<slug>/reset-password/<token>) is opened once: the
token is checked, the link's ID goes into the signed session cookie and the
browser is sent on to /c/<slug>/reset-password, where the form is. So the
token leaves the address bar at once and is never in a form's URL, the
browser history, a Referer header or a log line of a failed submission.
Every page here is sent with `Cache-Control: no-store` and
`Referrer-Policy: no-referrer`.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, make_response, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from app import get_config
from app.access import public
from app.db import get_session, utcnow
from app.errors import NotFound
from app.models import Client
from app.services import password_reset as reset
from app.services.client_policy import client_policy
from app.services.passwords import PasswordRefused
from app.web.accounts import load_client
from app.web.forms.password_reset import ForgotPasswordForm, ResetPasswordForm
from auth.password_rules import CharClass

bp = Blueprint("password_reset", __name__)

#: Session cookie key: the client and the link the person opened.
OPENED = "password_reset_link"
DONE = "Your password is changed; sign in with it."


@bp.app_template_global()
def password_reset_offered(client: Client) -> bool:
    """True if `client`'s sign-in page offers "Forgot your password?"."""
    return reset.offered(get_session(), client.id)


@bp.app_template_global()
def password_reset_token(link_id: str) -> str:
    """The token of a link, for the e-mail that carries it (its context holds only the ID)."""
    return reset.link_token(get_config(), uuid.UUID(str(link_id)))


@bp.route("/c/<slug>/forgot-password", methods=["GET", "POST"])
@public
def forgot(slug: str) -> ResponseReturnValue:
    """Ask for a link; every address gets the same answer."""
    client = _offering_client(slug)
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        reset.request_link(get_session(), get_config(), client, form.email.data, now=utcnow())
        return _private(render_template("auth/forgot_password.html", client=client, sent=True))
    page = render_template("auth/forgot_password.html", client=client, form=form, sent=False)
    return _private(page, 400 if form.errors else 200)


@bp.get("/c/<slug>/reset-password/<token>")
@public
def follow(slug: str, token: str) -> ResponseReturnValue:
    """The link from the e-mail: remember it, and move on to a URL without the token."""
    client = _offering_client(slug)
    try:
        link_id = reset.open_link(get_session(), client, token, now=utcnow())
    except reset.LinkUnusable as dead:
        return _dead(client, dead)
    session[OPENED] = {"client": str(client.id), "link": str(link_id)}
    return _private(redirect(url_for(".choose", slug=client.slug), 303))


@bp.route("/c/<slug>/reset-password", methods=["GET", "POST"])
@public
def choose(slug: str) -> ResponseReturnValue:
    """GET/POST: the new password for the opened link."""
    client = _offering_client(slug)
    form = ResetPasswordForm()
    try:
        link_id = _opened_link(client)
        if not form.validate_on_submit():
            reset.check_link(get_session(), client, link_id, now=utcnow())
            return _form_page(client, form)
        reset.reset_password(
            get_session(),
            get_config(),
            client,
            link_id,
            form.new.data,
            form.confirm.data,
            now=utcnow(),
        )
    except reset.LinkUnusable as dead:
        return _dead(client, dead)
    except PasswordRefused as refused:
        form[refused.field].errors.extend(refused.problems)
        return _form_page(client, form)
    session.pop(OPENED, None)
    flash(DONE, "success")
    return _private(redirect(url_for("accounts.signin", slug=client.slug), 303))


def _offering_client(slug: str) -> Client:
    client = load_client(slug)
    if not reset.offered(get_session(), client.id):
        raise NotFound
    return client


def _opened_link(client: Client) -> uuid.UUID:
    opened = session.get(OPENED)
    try:
        if opened["client"] == str(client.id):
            return uuid.UUID(opened["link"])
    except (KeyError, TypeError, ValueError):
        pass
    raise reset.LinkUnusable(gone=False)


def _form_page(client: Client, form: ResetPasswordForm) -> Response:
    policy = client_policy(get_session(), client.id)
    page = render_template(
        "auth/reset_password.html",
        client=client,
        form=form,
        policy=policy,
        # In the order the refusal names them (lower, upper, digit, symbol).
        kinds=[kind for kind in CharClass if kind in policy.password.required_classes],
    )
    return _private(page, 400 if form.errors else 200)


def _dead(client: Client, dead: reset.LinkUnusable) -> Response:
    if dead.gone:
        session.pop(OPENED, None)
    page = render_template("auth/reset_password_dead.html", client=client, message=dead.message)
    return _private(page, 410 if dead.gone else 404)


def _private(body: ResponseReturnValue, status: int | None = None) -> Response:
    response = make_response(body)
    if status is not None:
        response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
