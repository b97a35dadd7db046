"""One appointment: its page, and approve, decline, cancel and how it went.

A refused action shows the appointment page again with the reason beside the
form that was used, answered 400 (bad input) or 409 (the appointment's state or
the schedule does not allow it); nothing is saved.
"""

from __future__ import annotations

import uuid

from flask import flash, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from app.access import login_required_role
from app.db import get_session
from app.errors import InvalidInput
from app.models import AppointmentStatus, Role
from app.services import changes
from app.services.appointment_records import appointment_record
from app.services.record_views import open_appointment
from app.web.forms.staff_appointments import ActionForm, CancelForm, DeclineForm, OutcomeForm
from app.web.staff import common
from scheduling import SchedulingError

REFUSALS = (InvalidInput, SchedulingError)


def _forms(**given: FlaskForm) -> dict[str, FlaskForm]:
    forms = {
        "approve_form": ActionForm(),
        "decline_form": DeclineForm(),
        "cancel_form": CancelForm(),
        "outcome_form": OutcomeForm(),
    }
    forms.update(given)
    return forms


def _page(
    appointment_id: uuid.UUID, status: int = 200, *, opened: bool = False, **forms: FlaskForm
) -> ResponseReturnValue:
    if opened:  # a GET: the opening is audited (a refused form shown again is not)
        record = open_appointment(
            get_session(), common.scope(), appointment_id, actor=common.actor()
        )
    else:
        record = appointment_record(get_session(), common.scope(), appointment_id)
    return render_template(
        "staff/appointment.html", record=record, now=common.now(), **_forms(**forms)
    ), status


def _done(appointment_id: uuid.UUID, message: str) -> ResponseReturnValue:
    flash(message, "success")
    return common.go_back(url_for("staff.appointment", appointment_id=appointment_id))


@login_required_role(Role.STAFF, Role.CLIENT_ADMIN)
def appointment(appointment_id: uuid.UUID) -> ResponseReturnValue:
    """GET: the appointment, its status history and what can be done with it."""
    return _page(appointment_id, opened=True)


@login_required_role(Role.STAFF, Role.CLIENT_ADMIN)
def appointment_approve(appointment_id: uuid.UUID) -> ResponseReturnValue:
    """POST: confirm a request after the schedule's rules are checked again."""
    form = ActionForm()
    if not form.validate_on_submit():
        return _page(appointment_id, 400, approve_form=form)
    try:
        changes.approve(
            get_session(), common.scope(), appointment_id, actor=common.actor(), now=common.now()
        )
    except REFUSALS as refused:
        return _page(appointment_id, common.show_on_form(form, refused), approve_form=form)
    return _done(appointment_id, "Request approved; the appointment is confirmed.")


@login_required_role(Role.STAFF, Role.CLIENT_ADMIN)
def appointment_decline(appointment_id: uuid.UUID) -> ResponseReturnValue:
    """POST: decline a request with a reason the customer sees."""
    form = DeclineForm()
    if not form.validate_on_submit():
        return _page(appointment_id, 400, decline_form=form)
    try:
        changes.decline(
            get_session(),
            common.scope(),
            appointment_id,
            actor=common.actor(),
            now=common.now(),
            reason=form.decline_reason.data,
        )
    except REFUSALS as refused:
        status = common.show_on_form(form, refused, "decline_reason")
        return _page(appointment_id, status, decline_form=form)
    return _done(appointment_id, "Request declined; the customer will see your reason.")


@login_required_role(Role.STAFF, Role.CLIENT_ADMIN)
def appointment_cancel(appointment_id: uuid.UUID) -> ResponseReturnValue:
    """POST: cancel with a reason the customer sees (staff are not bound by cut-offs)."""
    form = CancelForm()
    if not form.validate_on_submit():
        return _page(appointment_id, 400, cancel_form=form)
    try:
        changes.cancel(
            get_session(),
            common.scope(),
            appointment_id,
            actor=common.actor(),
            now=common.now(),
            reason=form.cancel_reason.data,
        )
    except REFUSALS as refused:
        status = common.show_on_form(form, refused, "cancel_reason")
        return _page(appointment_id, status, cancel_form=form)
    return _done(appointment_id, "Appointment cancelled; the customer will see your reason.")


@login_required_role(Role.STAFF, Role.CLIENT_ADMIN)
def appointment_outcome(appointment_id: uuid.UUID) -> ResponseReturnValue:
    """POST: record that a confirmed appointment was completed or a no-show."""
    form = OutcomeForm()
    if not form.validate_on_submit():
        return _page(appointment_id, 400, outcome_form=form)
    outcome = AppointmentStatus(form.outcome.data)
    try:
        changes.mark_outcome(
            get_session(),
            common.scope(),
            appointment_id,
            outcome,
            actor=common.actor(),
            now=common.now(),
        )
    except REFUSALS as refused:
        status = common.show_on_form(form, refused, "outcome")
        return _page(appointment_id, status, outcome_form=form)
    return _done(appointment_id, f"Marked as {outcome.label}.")
