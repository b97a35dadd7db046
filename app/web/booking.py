"""A client's public booking pages: service, schedule, day, time, confirm.

Every step is a GET URL (shareable, back-button friendly) until the final POST:

    /c/<slug>                 the services on offer
    /c/<slug>/book?service=…&schedule=<id|any>&month=YYYY-MM&day=YYYY-MM-DD&tz=…
                              a month calendar, and the chosen day's times
    /c/<slug>/book/confirm?…&start=<UTC>
                              a summary and the form that books (customers only)
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.orm import Session, selectinload

import scheduling
from app.access import login_required_role, public
from app.db import get_session, utcnow
from app.errors import InvalidInput, NotFound
from app.models import Client, Role, Schedule, Service
from app.scope import Scope
from app.services.availability import OpenSlot, open_slots
from app.services.booking import BookingRequest, book
from app.web.accounts import load_client
from app.web.customer_gate import customer_scope, refusal_status, register_page_errors
from app.web.forms.booking import BookingChoice, BookingForm, require_start
from app.web.month_calendar import MonthCalendar, month_calendar
from app.web.slot_cache import get_slot_cache
from app.web.timezones import Viewer, iso_utc, month_period, viewer_for

bp = Blueprint("booking", __name__)
register_page_errors(bp)


@dataclass(frozen=True)
class Selection:
    """A bookable service and the schedules a booking may land on (one, or all for "any")."""

    service: Service
    schedules: list[Schedule]
    #: None when the customer asked for the first available schedule.
    chosen: Schedule | None
    #: Every active schedule offering the service, for the schedule picker.
    offering: list[Schedule] = field(default_factory=list)

    @property
    def single(self) -> Schedule | None:
        """The schedule a booking will land on, when only one can take it."""
        return self.chosen or (self.schedules[0] if len(self.schedules) == 1 else None)


@bp.get("/c/<slug>")
@public
def start(slug: str) -> ResponseReturnValue:
    """The client's booking page: the services that can be booked."""
    client = load_client(slug)
    schedules = bookable_schedules(get_session(), Scope(client.id))
    services = {s for schedule in schedules for s in schedule.services if s.is_active}
    ordered = sorted(services, key=lambda s: (s.name, str(s.id)))
    return render_template("booking/start.html", client=client, services=ordered)


@bp.get("/c/<slug>/book")
@public
def choose_time(slug: str) -> ResponseReturnValue:
    """A month calendar of days with openings and, once a day is chosen, its times."""
    client = load_client(slug)
    if not request.args.get("service"):
        return redirect(url_for(".start", slug=slug))
    choice = BookingChoice.parse(request.args)
    selection = load_selection(get_session(), Scope(client.id), choice)
    viewer = viewer_for(request.args, client.timezone)
    links = BookingLinks(slug, choice, viewer)
    calendar, times = month_of_openings(
        selection, choice, viewer, utcnow(), day_url=links.day, month_url=links.month
    )
    return render_template(
        "booking/choose_time.html",
        client=client,
        selection=selection,
        choice=choice,
        viewer=viewer,
        calendar=calendar,
        times=times,
        links=links,
    )


@bp.route("/c/<slug>/book/confirm", methods=["GET", "POST"])
@login_required_role(Role.CUSTOMER)
def confirm(slug: str) -> ResponseReturnValue:
    """Show what is about to be booked; on POST, book it."""
    client = load_client(slug)
    scope = customer_scope(client)
    values = request.form if request.method == "POST" else request.args
    choice = BookingChoice.parse(values)
    start_at = require_start(choice)
    selection = load_selection(get_session(), scope, choice)
    viewer = viewer_for(values, client.timezone)
    form = BookingForm() if request.method == "POST" else _prefilled(choice, start_at, viewer)
    page = _ConfirmPage(client, selection, choice, start_at, viewer, form)
    if not form.validate_on_submit():
        return page.render(), 400 if form.errors else 200
    try:
        appointment = book(
            get_session(),
            scope,
            _booking_request(choice, start_at, form),
            customer_id=current_user.id,
            actor=current_user._get_current_object(),
            now=utcnow(),
        )
    except scheduling.BookingRefused as refused:
        return page.render(problem=refused.message), refusal_status(refused)
    flash(_booked_message(client, appointment.status), "success")
    return redirect(
        url_for("customer.appointment", slug=slug, appointment_id=appointment.id, tz=viewer.zone)
    )


# -- loading ---------------------------------------------------------------------------


def bookable_schedules(session: Session, scope: Scope) -> list[Schedule]:
    """The client's active schedules, by name: the order "first available" tries them in."""
    stmt = (
        scope.schedules()
        .where(Schedule.is_active.is_(True))
        .options(selectinload(Schedule.services))
        .order_by(Schedule.name, Schedule.id)
    )
    return list(session.scalars(stmt))


def load_selection(session: Session, scope: Scope, choice: BookingChoice) -> Selection:
    """The service and schedule(s) a booking link names; 404 for unknown or retired ones."""
    service = scope.get_service(session, choice.service_id)
    offering = [s for s in bookable_schedules(session, scope) if service in s.services]
    if not service.is_active or not offering:
        raise NotFound
    if choice.schedule_id is None:
        return Selection(service, offering, None, offering)
    schedule = scope.get_schedule(session, choice.schedule_id)
    if not schedule.is_active:
        raise NotFound
    if schedule not in offering:
        raise InvalidInput(scheduling.reasons.ServiceNotOffered().message)
    return Selection(service, [schedule], schedule, offering)


def month_of_openings(
    selection: Selection,
    choice: BookingChoice,
    viewer: Viewer,
    now: datetime,
    *,
    day_url: Callable[[date], str],
    month_url: Callable[[date], str],
    moving: uuid.UUID | None = None,
) -> tuple[MonthCalendar, list[OpenSlot]]:
    """The calendar of the chosen month (default: this one) and the chosen day's times."""
    today = viewer.today(now)
    month = choice.month or today.replace(day=1)
    horizon = max(s.horizon_days for s in selection.schedules)
    latest = now + timedelta(days=horizon)
    period = month_period(month, viewer.tz)
    slots: list[OpenSlot] = []
    # Months wholly past or beyond the horizon have nothing to offer: skip the work.
    if period.end > now and period.start <= latest:
        slots = open_slots(
            get_session(),
            get_slot_cache(),
            schedules=selection.schedules,
            service=selection.service,
            period=period,
            now=now,
            exclude=moving,
        )
    days = scheduling.by_local_day(slots, viewer.tz)
    calendar = month_calendar(
        month,
        days,
        today=today,
        last_day=viewer.local(latest).date(),
        selected=choice.day,
        day_url=day_url,
        month_url=month_url,
    )
    return calendar, days.get(choice.day, []) if choice.day else []


# -- links and pages -------------------------------------------------------------------


@dataclass(frozen=True)
class BookingLinks:
    """The URLs of one booking flow; every one carries the viewer's zone."""

    slug: str
    choice: BookingChoice
    viewer: Viewer

    def _params(self, **extra: str) -> dict[str, str]:
        params = {
            "service": str(self.choice.service_id),
            "schedule": self.choice.schedule_param,
            "tz": self.viewer.zone,
        }
        params.update(extra)
        return params

    def schedule(self, schedule_param: str) -> str:
        """The calendar of this service on another schedule (or "any")."""
        params = self._params(schedule=schedule_param)
        if self.choice.month:
            params["month"] = f"{self.choice.month:%Y-%m}"
        return url_for("booking.choose_time", slug=self.slug, **params)

    def month(self, first: date) -> str:
        """The calendar of another month."""
        return url_for(
            "booking.choose_time", slug=self.slug, **self._params(month=f"{first:%Y-%m}")
        )

    def day(self, day: date) -> str:
        """The calendar with `day`'s times listed."""
        return url_for("booking.choose_time", slug=self.slug, **self._params(day=day.isoformat()))

    def confirm(self, slot: OpenSlot) -> str:
        """The confirm step for `slot` (keeps "any" so the booking can still go elsewhere)."""
        params = self._params(start=iso_utc(slot.start))
        return url_for("booking.confirm", slug=self.slug, **params)


def _prefilled(choice: BookingChoice, start_at: datetime, viewer: Viewer) -> BookingForm:
    data = {
        "service": str(choice.service_id),
        "schedule": choice.schedule_param,
        "start": iso_utc(start_at),
        "tz": viewer.zone,
    }
    return BookingForm(formdata=None, data=data)


@dataclass(frozen=True)
class _ConfirmPage:
    client: Client
    selection: Selection
    choice: BookingChoice
    start_at: datetime
    viewer: Viewer
    form: BookingForm

    def render(self, problem: str | None = None) -> str:
        links = BookingLinks(self.client.slug, self.choice, self.viewer)
        day = self.viewer.local(self.start_at).date()
        return render_template(
            "booking/confirm.html",
            client=self.client,
            selection=self.selection,
            start_at=self.start_at,
            end_at=self.start_at + timedelta(minutes=self.selection.service.duration_minutes),
            viewer=self.viewer,
            # A refused time cannot be sent again: the page offers other times instead.
            form=None if problem else self.form,
            problem=problem,
            back_url=links.day(day),
        )


def _booking_request(
    choice: BookingChoice, start_at: datetime, form: BookingForm
) -> BookingRequest:
    return BookingRequest(
        service_id=choice.service_id,
        start=start_at,
        schedule_id=choice.schedule_id,
        notes=form.notes.data or "",
        contact_phone=form.contact_phone.data or "",
    )


def _booked_message(client: Client, status: scheduling.AppointmentStatus) -> str:
    if status is scheduling.AppointmentStatus.REQUESTED:
        return f"Your request is sent. It awaits confirmation by {client.name}."
    return "Your appointment is booked."
