"""The team page: administrators list, add and deactivate staff and administrators."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from app.access import login_required_role
from app.config import get_config
from app.db import get_session
from app.errors import Conflict, InvalidInput
from app.models import Role
from app.services import staff_accounts
from app.web.forms.staff_catalog import TeamMemberForm
from app.web.forms.staff_schedules import ConfirmForm
from app.web.staff import common


def _team_page(status: int = 200, problem: str | None = None) -> ResponseReturnValue:
    members = staff_accounts.team(get_session(), common.scope())
    return render_template(
        "staff/team.html", members=members, confirm=ConfirmForm(), problem=problem
    ), status


@login_required_role(Role.CLIENT_ADMIN)
def team() -> ResponseReturnValue:
    """GET: everyone on the team, active or not."""
    return _team_page()


@login_required_role(Role.CLIENT_ADMIN)
def team_new() -> ResponseReturnValue:
    """GET/POST: add a staff member or administrator with a temporary password."""
    form = TeamMemberForm()
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            member = staff_accounts.add_member(
                get_session(),
                get_config(),
                common.scope(),
                actor=common.actor(),
                display_name=form.display_name.data,
                email=form.email.data,
                password=form.password.data,
                role=Role(form.role.data),
            )
        except (InvalidInput, Conflict) as refused:
            status = common.show_on_form(form, refused)
        else:
            flash(
                f"{member.display_name} can now sign in. Give them the temporary password "
                "in person or by phone, not by e-mail.",
                "success",
            )
            return redirect(url_for("staff.team"))
    return render_template("staff/team_form.html", form=form), status


@login_required_role(Role.CLIENT_ADMIN)
def team_deactivate(user_id: uuid.UUID) -> ResponseReturnValue:
    """POST: stop a member signing in; their sessions end at once."""
    try:
        member = staff_accounts.deactivate_member(
            get_session(), common.scope(), user_id, actor=common.actor()
        )
    except InvalidInput as refused:
        return _team_page(400, str(refused))
    flash(f"{member.display_name} is deactivated and signed out everywhere.", "success")
    return redirect(url_for("staff.team"))
