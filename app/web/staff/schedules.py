"""Schedules: everyone on the team sees them; administrators create and change them."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from app.access import login_required_role
from app.db import get_session
from app.errors import Conflict, InvalidInput
from app.models import Client, Role
from app.services import schedules as schedule_service
from app.services.catalog import service_list
from app.services.schedule_rules import known_timezones
from app.services.staff_accounts import team
from app.web.forms.staff_schedules import ClosureForm, ConfirmForm, OverrideForm, ScheduleForm
from app.web.staff import common

REFUSALS = (InvalidInput, Conflict)


@login_required_role(Role.STAFF, Role.CLIENT_ADMIN)
def schedules() -> ResponseReturnValue:
    """GET: the client's schedules."""
    listed = schedule_service.schedule_list(get_session(), common.scope())
    return render_template("staff/schedules.html", schedules=listed)


def schedule_page(schedule_id: uuid.UUID, status: int = 200, **forms: FlaskForm):
    """The schedule page, with the override and closure forms (as given, or fresh)."""
    schedule = common.scope().get_schedule(get_session(), schedule_id)
    forms = {
        "override_form": OverrideForm(),
        "closure_form": ClosureForm(),
        "confirm": ConfirmForm(),
        **forms,
    }
    return render_template("staff/schedule.html", schedule=schedule, **forms), status


@login_required_role(Role.STAFF, Role.CLIENT_ADMIN)
def schedule(schedule_id: uuid.UUID) -> ResponseReturnValue:
    """GET: settings, weekly hours, overrides and closures of one schedule."""
    return schedule_page(schedule_id)


def _settings_form(form: ScheduleForm) -> ScheduleForm:
    session, scope = get_session(), common.scope()
    form.set_choices(service_list(session, scope), team(session, scope))
    return form


def _form_page(form: ScheduleForm, schedule, status: int) -> ResponseReturnValue:
    return render_template(
        "staff/schedule_form.html", form=form, schedule=schedule, zones=known_timezones()
    ), status


@login_required_role(Role.CLIENT_ADMIN)
def schedule_new() -> ResponseReturnValue:
    """GET/POST: create a schedule; its opening hours come next."""
    defaults = {
        "timezone": get_session().get_one(Client, common.scope().client_id).timezone,
        "slot_step_minutes": 15,
        "buffer_before_minutes": 0,
        "buffer_after_minutes": 0,
        "min_notice_minutes": 120,
        "horizon_days": 60,
        "capacity": 1,
        "is_active": True,
    }
    form = _settings_form(ScheduleForm(data=defaults))
    if not form.validate_on_submit():
        return _form_page(form, None, 400 if form.is_submitted() else 200)
    try:
        created = schedule_service.create_schedule(
            get_session(), common.scope(), form.settings(), actor=common.actor()
        )
    except REFUSALS as refused:
        return _form_page(form, None, common.show_on_form(form, refused))
    flash(f"{created.name} created. Now set its weekly opening hours.", "success")
    return redirect(url_for("staff.schedule_hours", schedule_id=created.id))


@login_required_role(Role.CLIENT_ADMIN)
def schedule_edit(schedule_id: uuid.UUID) -> ResponseReturnValue:
    """GET/POST: change a schedule's settings, services offered and staff."""
    session, scope = get_session(), common.scope()
    current = scope.get_schedule(session, schedule_id)
    form = _settings_form(ScheduleForm())
    if not form.is_submitted():
        form.fill_from(current)
    if not form.validate_on_submit():
        return _form_page(form, current, 400 if form.is_submitted() else 200)
    try:
        schedule_service.update_schedule(
            session, scope, schedule_id, form.settings(), actor=common.actor()
        )
    except REFUSALS as refused:
        return _form_page(form, current, common.show_on_form(form, refused))
    flash("Schedule saved. Open times follow the new settings from now on.", "success")
    return redirect(url_for("staff.schedule", schedule_id=schedule_id))
