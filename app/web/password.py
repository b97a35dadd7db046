"""Changing one's own password: any signed-in person, at /account/password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user

from app import get_config
from app.access import login_required_role
from app.db import get_session, utcnow
from app.models import User
from app.services.passwords import PasswordRefused, change_password, password_state, policy_for
from app.web.forms.password import ChangePasswordForm
from app.web.navigation import home_for, safe_next
from auth.password_rules import CharClass

bp = Blueprint("password", __name__)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required_role()
def change() -> ResponseReturnValue:
    """GET/POST: choose a new password; every other browser is signed out."""
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = change_password(
                get_session(),
                get_config(),
                user.id,
                form.current.data,
                form.new.data,
                form.confirm.data,
                now=utcnow(),
            )
        except PasswordRefused as refused:
            form[refused.field].errors.extend(refused.problems)
        else:
            # The change bumped the session version, which voids this browser's cookie
            # too; signing in again gives it a fresh server-side session.
            login_user(user)
            flash("Your password is changed, and you are signed out everywhere else.", "success")
            return redirect(safe_next(request.args.get("next")) or home_for(user))
    return _page(form, user), (400 if form.errors else 200)


def _page(form: ChangePasswordForm, user: User) -> str:
    session = get_session()
    policy = policy_for(session, user)
    return render_template(
        "account/password.html",
        form=form,
        policy=policy,
        # In the order the refusal names them (lower, upper, digit, symbol).
        kinds=[kind for kind in CharClass if kind in policy.password.required_classes],
        business_name=user.client.name if user.client else "",
        must_change=password_state(session, user, now=utcnow()).expired,
    )
