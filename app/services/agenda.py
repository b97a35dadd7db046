"""The staff agenda: a day or a week of appointments, on one schedule or all of them.

Read-only. Days are the local days of the agenda's zone (the schedule's, or the
client's for all schedules), so a day boundary moves with daylight saving time;
every time on the page is in that one named zone.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload

from app.models import Appointment, AppointmentStatus, Client, Schedule
from app.scope import Scope

#: What a viewer not named on a record lock reads instead of the customer's name.
LOCKED_LABEL = "Locked record"

#: Upcoming requests listed on the agenda; the count shows how many there are in all.
PENDING_LISTED = 50


@dataclass(frozen=True)
class AgendaItem:
    """One appointment as the agenda shows it: local times and display names only."""

    id: uuid.UUID
    start: datetime  #: in the agenda's zone
    end: datetime
    status: AppointmentStatus
    customer_name: str
    service_name: str
    schedule_name: str
    #: The customer's record is locked against the viewer: no name, no service.
    locked: bool = False

    @property
    def is_requested(self) -> bool:
        """Waiting for staff to approve or decline."""
        return self.status is AppointmentStatus.REQUESTED


@dataclass(frozen=True)
class AgendaDay:
    day: date
    items: list[AgendaItem]


@dataclass(frozen=True)
class Agenda:
    """What the agenda page shows."""

    zone: str
    day: date  #: the day asked for (today when none was)
    first_day: date
    last_day: date
    schedule: Schedule | None  #: None: all schedules
    schedules: list[Schedule]  #: the choices of the schedule filter
    days: list[AgendaDay]
    pending_count: int
    pending: list[AgendaItem]


def week_start(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


def _zone_of(session: Session, scope: Scope, schedule: Schedule | None) -> str:
    # One schedule: its own zone. All schedules: the zone the client's staff think in.
    if schedule is not None:
        return schedule.timezone
    return session.get_one(Client, scope.client_id).timezone


def load_agenda(
    session: Session,
    scope: Scope,
    *,
    schedule_id: uuid.UUID | None,
    day: date | None,
    week: bool,
    now: datetime,
) -> Agenda:
    """`day` (default today), or its ISO week; `NotFound` if the schedule is not the client's."""
    schedule = scope.get_schedule(session, schedule_id) if schedule_id else None
    zone_name = _zone_of(session, scope, schedule)
    zone = ZoneInfo(zone_name)
    day = day or now.astimezone(zone).date()
    first_day, days = (week_start(day), 7) if week else (day, 1)
    last_day = first_day + timedelta(days=days - 1)
    start, end = _utc(first_day, zone), _utc(last_day + timedelta(days=1), zone)
    stmt = _filtered(scope.appointments(), schedule_id).where(
        Appointment.start_at >= start, Appointment.start_at < end
    )
    locked = scope.locked_customer_ids(session)
    by_day: dict[date, list[AgendaItem]] = {first_day + timedelta(days=n): [] for n in range(days)}
    for appointment in with_names(session, stmt.order_by(Appointment.start_at)):
        item = agenda_item(appointment, zone, locked=appointment.customer_id in locked)
        by_day[item.start.date()].append(item)
    pending = _filtered(scope.appointments(), schedule_id).where(
        Appointment.status == AppointmentStatus.REQUESTED, Appointment.start_at >= now
    )
    return Agenda(
        zone=zone_name,
        day=day,
        first_day=first_day,
        last_day=last_day,
        schedule=schedule,
        schedules=list(session.scalars(scope.schedules().order_by(Schedule.name))),
        days=[AgendaDay(day, items) for day, items in by_day.items()],
        pending_count=session.scalar(select(func.count()).select_from(pending.subquery())) or 0,
        pending=[
            agenda_item(a, zone, locked=a.customer_id in locked)
            for a in with_names(
                session, pending.order_by(Appointment.start_at).limit(PENDING_LISTED)
            )
        ],
    )


def agenda_item(appointment: Appointment, zone: ZoneInfo, *, locked: bool = False) -> AgendaItem:
    """`appointment` with its times in `zone` and the names staff recognise.

    `locked`: the customer's record is locked against the viewer, so the line shows
    only that the time is taken by a locked record.
    """
    return AgendaItem(
        id=appointment.id,
        start=appointment.start_at.astimezone(zone),
        end=appointment.end_at.astimezone(zone),
        status=appointment.status,
        customer_name=LOCKED_LABEL if locked else appointment.customer.display_name,
        service_name="" if locked else appointment.service.name,
        schedule_name=appointment.schedule.name,
        locked=locked,
    )


def _filtered(stmt: Select, schedule_id: uuid.UUID | None) -> Select:
    return stmt if schedule_id is None else stmt.where(Appointment.schedule_id == schedule_id)


def with_names(session: Session, stmt: Select) -> list[Appointment]:
    """The appointments of `stmt` with customer, service and schedule loaded in one query."""
    stmt = stmt.options(
        joinedload(Appointment.customer),
        joinedload(Appointment.service),
        joinedload(Appointment.schedule),
    )
    return list(session.scalars(stmt).unique())


def _utc(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
