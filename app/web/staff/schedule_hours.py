"""When a schedule is open: weekly hours, date overrides and closures (administrators)."""

from __future__ import annotations

import uuid
from datetime import date

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from app.access import login_required_role
from app.db import get_session
from app.errors import InvalidInput, NotFound
from app.models import Role
from app.services import opening_hours
from app.services.schedule_rules import WEEKDAYS
from app.web.forms.staff_schedules import ClosureForm, OverrideForm, WeeklyHoursForm
from app.web.staff import common
from app.web.staff.schedules import schedule_page


def _back(schedule_id: uuid.UUID, message: str) -> ResponseReturnValue:
    flash(message, "success")
    return redirect(url_for("staff.schedule", schedule_id=schedule_id))


@login_required_role(Role.CLIENT_ADMIN)
def schedule_hours(schedule_id: uuid.UUID) -> ResponseReturnValue:
    """GET/POST: the weekly hours, one line per weekday."""
    session, scope = get_session(), common.scope()
    current = scope.get_schedule(session, schedule_id)
    form = WeeklyHoursForm()
    if not form.is_submitted():
        form.fill_from(current)
    status = 200
    if form.validate_on_submit():
        try:
            opening_hours.set_weekly_hours(
                session, scope, schedule_id, form.hours(), actor=common.actor()
            )
        except InvalidInput as refused:
            status = common.show_on_form(form, refused)
        else:
            return _back(schedule_id, "Weekly hours saved.")
    elif form.is_submitted():
        status = 400
    return render_template(
        "staff/schedule_hours.html", form=form, schedule=current, weekdays=WEEKDAYS
    ), status


@login_required_role(Role.CLIENT_ADMIN)
def schedule_override_add(schedule_id: uuid.UUID) -> ResponseReturnValue:
    """POST: give one date its own hours, or close it."""
    form = OverrideForm()
    if not form.validate_on_submit():
        return schedule_page(schedule_id, 400, override_form=form)
    try:
        opening_hours.set_date_override(
            get_session(),
            common.scope(),
            schedule_id,
            form.date.data,
            form.hours.intervals,
            actor=common.actor(),
        )
    except InvalidInput as refused:
        return schedule_page(schedule_id, common.show_on_form(form, refused), override_form=form)
    day = form.date.data
    what = "given its own hours" if form.hours.intervals else "closed"
    return _back(schedule_id, f"{day:%A} {day.day} {day:%B %Y} {what}.")


@login_required_role(Role.CLIENT_ADMIN)
def schedule_override_delete(schedule_id: uuid.UUID, day: str) -> ResponseReturnValue:
    """POST: let one date follow the weekly hours again."""
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        raise NotFound from None  # as for any address that names nothing
    opening_hours.remove_date_override(
        get_session(), common.scope(), schedule_id, parsed, actor=common.actor()
    )
    return _back(schedule_id, "Override removed; that date follows the weekly hours again.")


@login_required_role(Role.CLIENT_ADMIN)
def schedule_closure_add(schedule_id: uuid.UUID) -> ResponseReturnValue:
    """POST: close the schedule from one date to another."""
    form = ClosureForm()
    if not form.validate_on_submit():
        return schedule_page(schedule_id, 400, closure_form=form)
    try:
        opening_hours.add_closure(
            get_session(),
            common.scope(),
            schedule_id,
            form.first_date.data,
            form.last_date.data,
            form.reason.data or "",
            actor=common.actor(),
        )
    except InvalidInput as refused:
        return schedule_page(schedule_id, common.show_on_form(form, refused), closure_form=form)
    return _back(schedule_id, "Closure added.")


@login_required_role(Role.CLIENT_ADMIN)
def schedule_closure_delete(schedule_id: uuid.UUID, closure_id: uuid.UUID) -> ResponseReturnValue:
    """POST: remove one closure."""
    opening_hours.remove_closure(
        get_session(), common.scope(), schedule_id, closure_id, actor=common.actor()
    )
    return _back(schedule_id, "Closure removed.")
