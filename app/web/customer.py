"""A customer's own appointments at one client: list, detail, .ics, cancel and move.

Every appointment is loaded through the customer's `Scope`, so another
customer's appointment, one of another client, and one that does not exist
all answer the same 404.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.orm import Session, selectinload

import scheduling
from app.access import login_required_role
from app.db import get_session, utcnow
from app.errors import InvalidInput
from app.models import Appointment, AppointmentStatus, Client, Role
from app.scope import Scope
from app.services.changes import cancel, reschedule
from app.web.accounts import load_client
from app.web.booking import Selection, month_of_openings
from app.web.change_rules import ChangeRules
from app.web.customer_gate import customer_scope, refusal_status, register_page_errors
from app.web.forms.booking import (
    BookingChoice,
    CancelForm,
    RescheduleForm,
    parameter,
    parse_day,
    parse_month,
    parse_start,
)
from app.web.ics import appointment_ics
from app.web.timezones import Viewer, iso_utc, viewer_for

bp = Blueprint("customer", __name__)
register_page_errors(bp)

#: Past appointments listed, most recent first; older ones stay in the client's records.
PAST_SHOWN = 50
_APPOINTMENT = "/c/<slug>/appointments/<uuid:appointment_id>"


@bp.get("/c/<slug>/appointments")
@login_required_role(Role.CUSTOMER)
def my_appointments(slug: str) -> ResponseReturnValue:
    """Upcoming appointments (soonest first) and past ones (latest first)."""
    client = load_client(slug)
    scope = customer_scope(client)
    viewer = viewer_for(request.args, client.timezone)
    now = utcnow()
    upcoming, past = _appointments(get_session(), scope, now)
    return render_template(
        "customer/appointments.html",
        client=client,
        viewer=viewer,
        upcoming=upcoming,
        past=past,
        rules=ChangeRules(client, now),
    )


@bp.get(_APPOINTMENT)
@login_required_role(Role.CUSTOMER)
def appointment(slug: str, appointment_id: uuid.UUID) -> ResponseReturnValue:
    """One appointment: when, what, its status, and what can still be done."""
    client, appointment = _load(slug, appointment_id)
    viewer = viewer_for(request.args, client.timezone)
    return render_template(
        "customer/appointment.html",
        client=client,
        appointment=appointment,
        viewer=viewer,
        rules=ChangeRules(client, utcnow()),
    )


@bp.get(_APPOINTMENT + ".ics")
@login_required_role(Role.CUSTOMER)
def appointment_calendar(slug: str, appointment_id: uuid.UUID) -> ResponseReturnValue:
    """The appointment as an iCalendar file."""
    client, appointment = _load(slug, appointment_id)
    body = appointment_ics(appointment, client_name=client.name, stamp=utcnow())
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": 'attachment; filename="appointment.ics"',
            # It names a person's appointment: no shared cache may keep it.
            "Cache-Control": "private, no-store",
        },
    )


@bp.route(_APPOINTMENT + "/cancel", methods=["GET", "POST"])
@login_required_role(Role.CUSTOMER)
def cancel_appointment(slug: str, appointment_id: uuid.UUID) -> ResponseReturnValue:
    """Ask before cancelling; on POST, cancel."""
    client, appointment = _load(slug, appointment_id)
    viewer = viewer_for(request.values, client.timezone)
    form = CancelForm()
    page = _Page("customer/cancel.html", client=client, appointment=appointment, viewer=viewer)
    if not form.validate_on_submit():
        refused = ChangeRules(client, utcnow()).cancel_refusal(appointment)
        if refused:
            return page.render(problem=refused.message), refusal_status(refused)
        return page.render(form=form)
    try:
        cancel(
            get_session(),
            customer_scope(client),
            appointment.id,
            actor=current_user._get_current_object(),
            now=utcnow(),
        )
    except scheduling.ChangeRefused as refused:
        return page.render(problem=refused.message), refusal_status(refused)
    flash(f"Your appointment on {viewer.when(appointment.start_at)} is cancelled.", "success")
    return redirect(_detail_url(client, appointment, viewer))


@bp.get(_APPOINTMENT + "/reschedule")
@login_required_role(Role.CUSTOMER)
def reschedule_appointment(slug: str, appointment_id: uuid.UUID) -> ResponseReturnValue:
    """A calendar of the times this appointment could move to."""
    client, appointment = _load(slug, appointment_id)
    viewer = viewer_for(request.args, client.timezone)
    now = utcnow()
    page = _Page("customer/reschedule.html", client=client, appointment=appointment, viewer=viewer)
    refused = ChangeRules(client, now).move_refusal(appointment)
    if refused:
        return page.render(problem=refused.message), refusal_status(refused)
    choice = _move_choice(appointment)
    links = MoveLinks(client.slug, appointment.id, viewer)
    calendar, times = month_of_openings(
        Selection(appointment.service, [appointment.schedule], appointment.schedule),
        choice,
        viewer,
        now,
        day_url=links.day,
        month_url=links.month,
        moving=appointment.id,
    )
    return page.render(calendar=calendar, times=times, links=links, day=choice.day)


@bp.route(_APPOINTMENT + "/reschedule/confirm", methods=["GET", "POST"])
@login_required_role(Role.CUSTOMER)
def confirm_reschedule(slug: str, appointment_id: uuid.UUID) -> ResponseReturnValue:
    """Ask before moving to the chosen time; on POST, move."""
    client, appointment = _load(slug, appointment_id)
    values = request.form if request.method == "POST" else request.args
    new_start = parse_start(parameter(values, "start"))
    if new_start is None:
        raise InvalidInput("Please choose a new time first.")
    viewer = viewer_for(values, client.timezone)
    form = RescheduleForm() if request.method == "POST" else _move_form(new_start, viewer)
    page = _Page(
        "customer/reschedule_confirm.html",
        client=client,
        appointment=appointment,
        viewer=viewer,
        new_start=new_start,
        form=form,
        back_url=MoveLinks(client.slug, appointment.id, viewer).day(viewer.local(new_start).date()),
    )
    if not form.validate_on_submit():
        refused = ChangeRules(client, utcnow()).move_refusal(appointment)
        if refused:
            return page.render(problem=refused.message, form=None), refusal_status(refused)
        return page.render(), 400 if form.errors else 200
    was = viewer.when(appointment.start_at)
    try:
        moved = reschedule(
            get_session(),
            customer_scope(client),
            appointment.id,
            new_start=new_start,
            actor=current_user._get_current_object(),
            now=utcnow(),
        )
    except scheduling.SchedulingError as refused:
        return page.render(problem=refused.message, form=None), refusal_status(refused)
    flash(_moved_message(client, was, viewer.when(moved.start_at), moved.status), "success")
    return redirect(_detail_url(client, moved, viewer))


# -- loading ---------------------------------------------------------------------------


def _load(slug: str, appointment_id: uuid.UUID) -> tuple[Client, Appointment]:
    """The client (404), the customer's right to its pages (sign in), the appointment (404)."""
    client = load_client(slug)
    scope = customer_scope(client)
    return client, scope.get_appointment(get_session(), appointment_id)


def _appointments(
    session: Session, scope: Scope, now: datetime
) -> tuple[list[Appointment], list[Appointment]]:
    loaded = scope.appointments().options(
        selectinload(Appointment.schedule), selectinload(Appointment.service)
    )
    upcoming = session.scalars(
        loaded.where(Appointment.end_at > now).order_by(Appointment.start_at)
    ).all()
    past = session.scalars(
        loaded.where(Appointment.end_at <= now)
        .order_by(Appointment.start_at.desc())
        .limit(PAST_SHOWN)
    ).all()
    return list(upcoming), list(past)


def _move_choice(appointment: Appointment) -> BookingChoice:
    day = parse_day(parameter(request.args, "day"))
    month = day.replace(day=1) if day else parse_month(parameter(request.args, "month"))
    return BookingChoice(appointment.service_id, appointment.schedule_id, month=month, day=day)


# -- links and pages -------------------------------------------------------------------


class MoveLinks:
    """The URLs of one reschedule flow; every one carries the viewer's zone."""

    def __init__(self, slug: str, appointment_id: uuid.UUID, viewer: Viewer) -> None:
        self._base = {"slug": slug, "appointment_id": appointment_id, "tz": viewer.zone}

    def month(self, first) -> str:
        """The move calendar of another month."""
        return url_for("customer.reschedule_appointment", month=f"{first:%Y-%m}", **self._base)

    def day(self, day) -> str:
        """The move calendar with `day`'s times listed."""
        return url_for("customer.reschedule_appointment", day=day.isoformat(), **self._base)

    def confirm(self, slot) -> str:
        """The confirm step for moving to `slot`."""
        return url_for("customer.confirm_reschedule", start=iso_utc(slot.start), **self._base)


class _Page:
    """A template and its fixed values, rendered with whatever the outcome adds."""

    def __init__(self, template: str, **values: object) -> None:
        self.template, self.values = template, values

    def render(self, **extra: object) -> str:
        return render_template(self.template, **{"problem": None, **self.values, **extra})


def _move_form(new_start: datetime, viewer: Viewer) -> RescheduleForm:
    return RescheduleForm(formdata=None, data={"start": iso_utc(new_start), "tz": viewer.zone})


def _detail_url(client: Client, appointment: Appointment, viewer: Viewer) -> str:
    return url_for(
        "customer.appointment", slug=client.slug, appointment_id=appointment.id, tz=viewer.zone
    )


def _moved_message(client: Client, was: str, now_at: str, status: AppointmentStatus) -> str:
    message = f"Your appointment is moved from {was} to {now_at}."
    if status is AppointmentStatus.REQUESTED:
        message += f" It awaits confirmation by {client.name}."
    return message
