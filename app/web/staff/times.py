"""Picking a time: booking for a customer, and moving an appointment.

Both pages list the open times of one day (GET with the day in the query
string), then book or move to the time chosen (POST to the same address). The
schedule's rules are checked again when the choice is saved; a time taken in
the meantime is refused with the precise reason, and nothing is saved.
"""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from app.access import login_required_role
from app.db import get_session
from app.errors import InvalidInput, NotFound
from app.models import Role
from app.services import changes
from app.services.appointment_records import appointment_record
from app.services.booking import BookingRequest, book
from app.services.booking_choices import booking_choices, slots_on_day
from app.services.record_views import open_appointment
from app.web.forms.staff_appointments import FindDayForm, FindTimesForm, PickTimeForm, as_uuid
from app.web.slot_cache import get_slot_cache
from app.web.staff import common
from scheduling import SchedulingError

REFUSALS = (InvalidInput, SchedulingError)


def _id(value: str | None) -> uuid.UUID:
    found = as_uuid(value)
    if found is None:
        raise NotFound  # a garbled ID finds nothing, like a guessed one
    return found


def _searched(find: FindDayForm) -> bool:
    # The day is what makes a search; other parameters alone only pre-select choices.
    return "date" in request.args and find.validate()


@login_required_role(Role.STAFF, Role.CLIENT_ADMIN)
def appointment_new() -> ResponseReturnValue:
    """GET: choose customer, service, schedule and day; POST: book the time chosen."""
    session, scope = get_session(), common.scope()
    find, pick = FindTimesForm(formdata=request.args or None), PickTimeForm()
    find.set_choices(booking_choices(session, scope))

    def page(status: int, day_slots=None) -> ResponseReturnValue:
        return render_template("staff/book.html", find=find, pick=pick, day_slots=day_slots), status

    if not _searched(find):
        return page(400 if find.errors or request.method == "POST" else 200)
    customer = scope.get_customer(session, _id(find.customer.data))
    wanted = {"schedule_id": _id(find.schedule.data), "service_id": _id(find.service.data)}
    day_slots = slots_on_day(
        session, scope, get_slot_cache(), day=find.date.data, now=common.now(), **wanted
    )
    if request.method == "GET":
        return page(200, day_slots)
    if not pick.validate_on_submit():
        return page(400, day_slots)
    try:
        appointment = book(
            session,
            scope,
            BookingRequest(start=pick.start_at, notes=pick.notes.data or "", **wanted),
            customer_id=customer.id,
            actor=common.actor(),
            now=common.now(),
        )
    except REFUSALS as refused:
        return page(common.show_on_form(pick, refused, "notes"), day_slots)
    flash(f"Booked for {customer.display_name}.", "success")
    return redirect(url_for("staff.appointment", appointment_id=appointment.id))


@login_required_role(Role.STAFF, Role.CLIENT_ADMIN)
def appointment_reschedule(appointment_id: uuid.UUID) -> ResponseReturnValue:
    """GET: open times on a day of the same schedule; POST: move to the time chosen."""
    session, scope = get_session(), common.scope()
    if request.method == "GET":  # the page shows the appointment: its opening is audited
        record = open_appointment(session, scope, appointment_id, actor=common.actor())
    else:
        record = appointment_record(session, scope, appointment_id)
    # Until a day is asked for, offer the appointment's own day.
    find = FindDayForm(formdata=request.args or None, date=record.item.start.date())
    pick = PickTimeForm()

    def page(status: int, day_slots=None) -> ResponseReturnValue:
        return render_template(
            "staff/reschedule.html", record=record, find=find, pick=pick, day_slots=day_slots
        ), status

    if not _searched(find):
        return page(400 if find.errors or request.method == "POST" else 200)
    day_slots = slots_on_day(
        session,
        scope,
        get_slot_cache(),
        schedule_id=record.appointment.schedule_id,
        service_id=record.appointment.service_id,
        day=find.date.data,
        now=common.now(),
        moving=appointment_id,
    )
    if request.method == "GET":
        return page(200, day_slots)
    if not pick.validate_on_submit():
        return page(400, day_slots)
    try:
        changes.reschedule(
            session,
            scope,
            appointment_id,
            new_start=pick.start_at,
            actor=common.actor(),
            now=common.now(),
        )
    except REFUSALS as refused:
        return page(common.show_on_form(pick, refused, "start"), day_slots)
    flash("Appointment moved to the new time.", "success")
    return redirect(url_for("staff.appointment", appointment_id=appointment_id))
