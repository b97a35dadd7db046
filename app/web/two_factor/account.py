"""Each person's own two-step sign-in, at /account/two-factor: status, set-up, codes, off.

Every change asks for the password first and signs this browser in again
afterwards (the change ended every session, this one's included, so it gets a
fresh token). Recovery codes are shown once, in the answer to the change that
made them, and are never stored in clear anywhere.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user

from app import get_config
from app.access import login_required_role
from app.db import get_session, utcnow
from app.errors import InvalidInput
from app.models import User
from app.services import two_factor
from app.services.field_errors import InvalidField
from app.web.forms.two_factor import CodeForm, ConfirmPasswordForm
from app.web.navigation import home_for
from app.web.two_factor.qr import qr_svg
from auth.mfa_rules import ENROLMENT_LIMIT, still_valid

#: Flask session key: when this person re-entered their password to set up an app.
ENROLMENT_KEY = "second_factor_enrolment"


@login_required_role()
def status() -> ResponseReturnValue:
    """GET: whether two-step sign-in is on, and what can be changed."""
    user = _user()
    state = two_factor.status(get_session(), user)
    enabled_on = _local_date(user, state.enabled_at) if state.enabled_at else None
    return render_template("two_factor/status.html", state=state, enabled_on=enabled_on)


@login_required_role()
def enrol() -> ResponseReturnValue:
    """GET/POST: the password again, then on to scanning the QR code."""
    user = _user()
    form = ConfirmPasswordForm()
    if form.validate_on_submit():
        try:
            two_factor.start_enrolment(get_session(), get_config(), user.id, form.password.data)
        except InvalidField as refused:
            form.password.errors.append(str(refused))
        else:
            session[ENROLMENT_KEY] = {"user": str(user.id), "started": utcnow().isoformat()}
            return redirect(url_for("two_factor.enrol_confirm"))
    action = "replace" if user.has_second_factor else "enrol"
    return _password_page(form, action)


@login_required_role()
def enrol_confirm() -> ResponseReturnValue:
    """GET/POST: the QR code and the secret; the app's first code turns it on."""
    user = _user()
    started = _enrolment_started(user)
    new_app = two_factor.pending_app(user)
    if started is None or new_app is None:
        flash("Please type your password again to set up an authenticator app.", "info")
        return redirect(url_for("two_factor.enrol"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            new = two_factor.confirm_enrolment(
                get_session(),
                get_config(),
                user.id,
                form.code.data,
                started_at=started,
                now=utcnow(),
            )
        except InvalidField as refused:
            form.code.errors.append(str(refused))
        except InvalidInput as refused:
            session.pop(ENROLMENT_KEY, None)
            flash(str(refused), "warning")
            return redirect(url_for("two_factor.enrol"))
        else:
            session.pop(ENROLMENT_KEY, None)
            return _show_codes(new, turned_on=True)
    page = render_template(
        "two_factor/enrol_confirm.html", form=form, app=new_app, qr=qr_svg(new_app.uri)
    )
    return page, 400 if form.errors else 200


@login_required_role()
def recovery_codes() -> ResponseReturnValue:
    """GET/POST: the password again, then ten new recovery codes replace the old ones."""
    form = ConfirmPasswordForm()
    if form.validate_on_submit():
        try:
            new = two_factor.regenerate_recovery_codes(
                get_session(), get_config(), _user().id, form.password.data, now=utcnow()
            )
        except InvalidInput as refused:
            form.password.errors.append(str(refused))
        else:
            return _show_codes(new, turned_on=False)
    return _password_page(form, "new_codes")


@login_required_role()
def turn_off() -> ResponseReturnValue:
    """GET/POST: the password again, then no second factor (unless the client requires one)."""
    form = ConfirmPasswordForm()
    if form.validate_on_submit():
        try:
            user = two_factor.turn_off(
                get_session(), get_config(), _user().id, form.password.data, now=utcnow()
            )
        except InvalidInput as refused:
            form.password.errors.append(str(refused))
        else:
            login_user(user)  # this browser only: the change ended every other session
            flash(
                "Two-step sign-in is off. Anywhere else you were signed in, "
                "you are now signed out.",
                "success",
            )
            return redirect(url_for("two_factor.status"))
    return _password_page(form, "turn_off")


def _user() -> User:
    return current_user._get_current_object()


def _password_page(form: ConfirmPasswordForm, action: str) -> ResponseReturnValue:
    required = two_factor.is_required(get_session(), _user())
    page = render_template(
        "two_factor/confirm_password.html", form=form, action=action, required=required
    )
    return page, 400 if form.errors else 200


def _show_codes(new: two_factor.NewCodes, *, turned_on: bool) -> ResponseReturnValue:
    login_user(new.user)  # this browser only: the change ended every other session
    return render_template(
        "two_factor/recovery_codes.html",
        codes=new.codes,
        turned_on=turned_on,
        next_url=home_for(new.user) if turned_on else url_for("two_factor.status"),
    )


def _enrolment_started(user: User) -> datetime | None:
    saved = session.get(ENROLMENT_KEY)
    try:
        if saved["user"] != str(user.id):
            return None
        started = datetime.fromisoformat(saved["started"])
    except (KeyError, TypeError, ValueError):
        return None
    if not still_valid(started, now=utcnow(), limit=ENROLMENT_LIMIT):
        session.pop(ENROLMENT_KEY, None)
        return None
    return started


def _local_date(user: User, moment: datetime) -> date:
    zone = ZoneInfo(user.client.timezone) if user.client else UTC
    return moment.astimezone(zone).date()
