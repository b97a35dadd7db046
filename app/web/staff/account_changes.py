"""An administrator changes a member's role or schedules, or clears a lost second factor."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from app.access import login_required_role
from app.db import get_session
from app.errors import InvalidInput
from app.models import Role
from app.services import role_changes, schedule_limits, second_factor_reset
from app.services.account_security import account_overview
from app.web.forms.team_roles import RoleForm, ScheduleAccessForm
from app.web.staff import common
from app.web.staff.common import refusal


@login_required_role(Role.CLIENT_ADMIN)
def security_change_role(user_id: uuid.UUID) -> ResponseReturnValue:
    """POST: staff become administrators or the other way round; they sign in again."""
    form = RoleForm()
    if not form.validate_on_submit():
        return _account_page(user_id, form, 400)
    try:
        member = role_changes.change_role(
            get_session(),
            common.scope(),
            user_id,
            Role(form.role.data),
            actor=common.actor(),
            now=common.now(),
        )
    except InvalidInput as refused:
        status = common.show_on_form(form, refused)
        # One's own account page has no role form to show the refusal on.
        own = user_id == common.actor().id
        return _account_page(user_id, form, status, problem=refusal(refused) if own else None)
    flash(f"{member.display_name} has the new role from their next sign-in.", "success")
    return redirect(url_for("staff.security_account", user_id=member.id))


@login_required_role(Role.CLIENT_ADMIN)
def security_reset_second_factor(user_id: uuid.UUID) -> ResponseReturnValue:
    """POST: remove a lost authenticator app and the recovery codes; they sign in again."""
    try:
        user = second_factor_reset.reset_second_factor(
            get_session(), common.scope(), user_id, actor=common.actor(), now=common.now()
        )
    except InvalidInput as refused:
        flash(str(refused), "error")
        return redirect(url_for("staff.security_account", user_id=user_id))
    flash(
        f"{user.display_name}'s second factor is removed and they are signed out everywhere. "
        "They can set up a new authenticator app after signing in.",
        "success",
    )
    return redirect(url_for("staff.security_account", user_id=user.id))


@login_required_role(Role.CLIENT_ADMIN)
def security_schedule_access(user_id: uuid.UUID) -> ResponseReturnValue:
    """POST: a staff member sees every schedule, or only those they work on."""
    form = ScheduleAccessForm()
    if not form.validate_on_submit():
        return _account_page(user_id, RoleForm(), 400, access_form=form)
    try:
        member = schedule_limits.limit_to_own_schedules(
            get_session(),
            common.scope(),
            user_id,
            form.access.data == "own",
            actor=common.actor(),
        )
    except InvalidInput as refused:
        return _account_page(user_id, RoleForm(), 400, problem=refusal(refused))
    seen = "only the schedules they work on" if member.sees_own_schedules_only else "every schedule"
    flash(f"{member.display_name} now sees {seen}.", "success")
    return redirect(url_for("staff.security_account", user_id=member.id))


def _account_page(
    user_id: uuid.UUID,
    form: RoleForm,
    status: int,
    problem: str | None = None,
    access_form: ScheduleAccessForm | None = None,
) -> ResponseReturnValue:
    session, scope = get_session(), common.scope()
    overview = account_overview(session, scope, user_id, now=common.now())
    page = render_template(
        "staff/security_account.html",
        overview=overview,
        role_form=form,
        access_form=access_form or access_form_for(overview.user),
        worked_on=schedule_limits.schedules_worked_on(session, scope, user_id),
        problem=problem,
    )
    return page, status


def access_form_for(user) -> ScheduleAccessForm:
    """The schedule-access form showing the person's current choice."""
    return ScheduleAccessForm(data={"access": "own" if user.sees_own_schedules_only else "all"})
