"""Locked accounts and one account's sign-in security, with the administrator's levers."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from app.access import login_required_role
from app.db import get_session
from app.models import Role, User
from app.services import account_controls, schedule_limits
from app.services.account_security import account_overview, locked_accounts
from app.web.forms.team_roles import RoleForm
from app.web.staff import account_changes, common


@login_required_role(Role.CLIENT_ADMIN)
def security_locked() -> ResponseReturnValue:
    """GET: accounts whose lock is in force now."""
    locked = locked_accounts(get_session(), common.scope(), now=common.now())
    return render_template("staff/security_locked.html", locked=locked)


@login_required_role(Role.CLIENT_ADMIN)
def security_account(user_id: uuid.UUID) -> ResponseReturnValue:
    """GET: one account's role, lock, last sign-in and latest attempts, with its buttons."""
    overview = account_overview(get_session(), common.scope(), user_id, now=common.now())
    return render_template(
        "staff/security_account.html",
        overview=overview,
        role_form=RoleForm(data={"role": overview.user.role.value}),
        access_form=account_changes.access_form_for(overview.user),
        worked_on=schedule_limits.schedules_worked_on(get_session(), common.scope(), user_id),
    )


@login_required_role(Role.CLIENT_ADMIN)
def security_unlock(user_id: uuid.UUID) -> ResponseReturnValue:
    """POST: lift the lock; the person can sign in again at once."""
    user = account_controls.unlock(get_session(), common.scope(), user_id, actor=common.actor())
    flash(f"{user.display_name} is unlocked and can sign in again.", "success")
    return common.go_back(url_for("staff.security_account", user_id=user.id))


@login_required_role(Role.CLIENT_ADMIN)
def security_require_new_password(user_id: uuid.UUID) -> ResponseReturnValue:
    """POST: a new password at the next sign-in, and signed out everywhere now."""
    user = account_controls.require_new_password(
        get_session(), common.scope(), user_id, actor=common.actor(), now=common.now()
    )
    if user.id == common.actor().id:
        return _to_sign_in(user, "You are signed out everywhere and must choose a new password.")
    flash(f"{user.display_name} is signed out and must choose a new password.", "success")
    return redirect(url_for("staff.security_account", user_id=user.id))


@login_required_role(Role.CLIENT_ADMIN)
def security_sign_out_everywhere(user_id: uuid.UUID) -> ResponseReturnValue:
    """POST: end every session of the account, in every browser."""
    user = account_controls.sign_out_everywhere(
        get_session(), common.scope(), user_id, actor=common.actor(), now=common.now()
    )
    if user.id == common.actor().id:
        return _to_sign_in(user, "You are signed out everywhere, in this browser too.")
    flash(f"{user.display_name} is signed out everywhere.", "success")
    return redirect(url_for("staff.security_account", user_id=user.id))


@login_required_role(Role.CLIENT_ADMIN)
def security_require_new_passwords() -> ResponseReturnValue:
    """GET: what asking everyone for a new password does; POST (confirmed): do it."""
    session, scope, actor = get_session(), common.scope(), common.actor()
    if request.method == "GET":
        return render_template("staff/security_everyone.html")
    count = account_controls.require_new_passwords_for_everyone(
        session, scope, actor=actor, now=common.now()
    )
    return _to_sign_in(
        actor, f"All {count} accounts, yours too, must choose a new password at their next sign-in."
    )


def _to_sign_in(actor: User, message: str) -> Response:
    # The administrator's own sessions have just ended: the next page is the sign-in page.
    flash(f"{message} Please sign in again.", "success")
    return redirect(url_for("accounts.signin", slug=actor.client.slug))
