"""What staff choose from when booking for a customer or moving an appointment.

Read-only: the client's customers, bookable services and schedules, and the open
times of one service on one schedule on one local day (in the schedule's zone).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

import scheduling
from app.crypto.ordering import sorted_by_name
from app.models import Schedule, Service, User
from app.scope import Scope
from app.services.availability import SlotCache, open_slots


@dataclass(frozen=True)
class Choices:
    customers: list[User]
    services: list[Service]
    schedules: list[Schedule]


@dataclass(frozen=True)
class DaySlots:
    """Open starts on one local day, with their UTC instants for the booking form."""

    zone: str
    day: date
    capacity: int  #: places per time on this schedule (1: one-to-one)
    starts: list[tuple[datetime, datetime, int]]  #: (UTC start, local start, places left)


def booking_choices(session: Session, scope: Scope) -> Choices:
    """Customers by name, and the active services and schedules a booking can use."""
    return Choices(
        customers=sorted_by_name(
            # A locked record is not offered: its name is not the viewer's to read.
            session.scalars(scope.customers().where(scope.record_open(User.id)))
        ),
        services=list(
            session.scalars(
                scope.services().where(Service.is_active.is_(True)).order_by(Service.name)
            )
        ),
        schedules=list(
            session.scalars(
                scope.schedules().where(Schedule.is_active.is_(True)).order_by(Schedule.name)
            )
        ),
    )


def slots_on_day(
    session: Session,
    scope: Scope,
    cache: SlotCache,
    *,
    schedule_id: uuid.UUID,
    service_id: uuid.UUID,
    day: date,
    now: datetime,
    moving: uuid.UUID | None = None,
) -> DaySlots:
    """Open starts of the service on the schedule's local `day`; `NotFound` outside the client.

    `moving` is an appointment being moved: its own time does not count as taken.
    """
    schedule = scope.get_schedule(session, schedule_id)
    service = scope.get_service(session, service_id)
    zone = ZoneInfo(schedule.timezone)
    period = scheduling.Period(_utc(day, zone), _utc(day + timedelta(days=1), zone))
    slots = []
    if service.is_active:
        slots = open_slots(
            session,
            cache,
            schedules=[schedule],
            service=service,
            period=period,
            now=now,
            exclude=moving,
        )
    return DaySlots(
        zone=zone.key,
        day=day,
        capacity=schedule.capacity,
        starts=[(slot.start, slot.start.astimezone(zone), slot.remaining) for slot in slots],
    )


def _utc(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
