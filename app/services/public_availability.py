"""Public availability as the JSON API serves it: one rendered body per offer, range and minute.

A booking page asks for a month of slots on every view, so this read is the hot path
of the product. A request that finds its answer cached costs one database round trip
(plus the pool's liveness ping):

1. one statement, built once per process, reads the client by slug and, through its
   `Scope`, the service and the active schedules offering it with each schedule's
   `availability_version` (outside a transaction on PostgreSQL: no BEGIN, no ROLLBACK);
2. the rendered body is looked up under a key of everything the answer depends on:
   the service and its duration, the schedules and their versions, the range, the
   viewer's zone, and the minute of `now`.

Only on a miss are the schedules loaded as ORM objects and `open_slots` run (it has its
own cache of unbounded slot lists, so a new minute costs a trim, not an engine run).
The version is bumped in the same transaction as every change to a schedule's settings
or appointments, so a cached body is never older than the data it was computed from.

Why the minute is enough: slot starts are whole minutes, and notice and horizon are whole
minutes and days, so every `now` within one minute trims alike, except the minute's very
first instant, which may still offer the start exactly `notice` ahead. A body served a few
seconds after that can offer a start that just became too soon; booking re-checks
everything under the schedule's lock, so it is refused there, never double-booked.
"""

from __future__ import annotations

import json
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from threading import Lock
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam, select, true
from sqlalchemy.orm import Session, selectinload

import scheduling
from app.errors import NotFound
from app.models import Client, Schedule, Service, schedule_services
from app.scope import Scope
from app.services.availability import OpenSlot, SlotCache, open_slots
from scheduling.wallclock import day_start, to_utc

BODY_CACHE_ENTRIES = 256


@dataclass(frozen=True)
class AvailabilityAsk:
    """What a viewer asks: a service, one schedule or any, local dates and their zone."""

    service_id: uuid.UUID
    schedule_id: uuid.UUID | None = None  #: None: each start once, on the first with room
    first_day: date | None = None  #: None: today in `zone`
    days: int = 7
    zone: str | None = None  #: None: the client's zone


class BodyCache:
    """A small per-process LRU of rendered bodies (bytes)."""

    def __init__(self, entries: int = BODY_CACHE_ENTRIES) -> None:
        self._entries = entries
        self._data: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = Lock()

    def get(self, key: tuple) -> bytes | None:
        """The body stored under `key`, if any (and mark it recently used)."""
        with self._lock:
            body = self._data.get(key)
            if body is not None:
                self._data.move_to_end(key)
            return body

    def put(self, key: tuple, body: bytes) -> None:
        """Store `body`, dropping the least recently used beyond the size."""
        with self._lock:
            self._data[key] = body
            self._data.move_to_end(key)
            while len(self._data) > self._entries:
                self._data.popitem(last=False)


@dataclass(frozen=True)
class _Offer:
    scope: Scope
    zone: str  #: the client's
    duration_minutes: int
    #: (schedule ID, availability version, horizon days) in "first available" order.
    schedules: tuple[tuple[uuid.UUID, int, int], ...]


def availability_body(
    session: Session,
    slot_cache: SlotCache,
    body_cache: BodyCache,
    *,
    client_slug: str,
    ask: AvailabilityAsk,
    now: datetime,
) -> bytes:
    """The JSON body `{"data": {"timezone", "days": [{"date", "slots": [...]}]}}`.

    Raises `NotFound` for an unknown client, an unknown or retired service, or a
    schedule that is not the client's or not active; `ServiceNotOffered` when the
    named schedule does not offer the service.
    """
    offer = _offer(session, client_slug, ask)
    zone = ZoneInfo(ask.zone or offer.zone)
    first_day = ask.first_day or now.astimezone(zone).date()
    key = (
        offer.scope.client_id,
        ask.service_id,
        offer.duration_minutes,
        offer.schedules,
        first_day,
        ask.days,
        zone.key,
        now.replace(second=0, microsecond=0),
    )
    body = body_cache.get(key)
    if body is None:
        days = _days(session, slot_cache, offer, ask.service_id, first_day, ask.days, zone, now)
        body = _render(zone, days)
        body_cache.put(key, body)
    return body


@cache
def _offer_statement() -> Select:
    """Client, service and the versions of the active schedules offering it, as one read.

    Built once per process with the slug and service ID as bound parameters. The
    tenant filters are the `Scope`'s own, with the client's ID standing for "the
    client whose slug is bound": a scalar subquery the database evaluates once.
    """
    client = (
        select(Client.id)
        .where(Client.slug == bindparam("slug"), Client.closed_at.is_(None))
        .scalar_subquery()
    )
    scope = Scope(client_id=cast(uuid.UUID, client))
    offering = (
        scope.schedules()
        .join(schedule_services, schedule_services.c.schedule_id == Schedule.id)
        .where(
            schedule_services.c.service_id == bindparam("service_id"),
            Schedule.is_active.is_(True),
        )
        .with_only_columns(
            Schedule.id, Schedule.availability_version, Schedule.horizon_days, Schedule.name
        )
        .subquery()
    )
    return (
        scope.services()
        .join(Client, Client.id == Service.client_id)
        .where(Service.id == bindparam("service_id"), Service.is_active.is_(True))
        .outerjoin(offering, true())
        .with_only_columns(
            Client.id,
            Client.timezone,
            Service.duration_minutes,
            offering.c.id,
            offering.c.availability_version,
            offering.c.horizon_days,
        )
        .order_by(offering.c.name, offering.c.id)
    )


def _offer(session: Session, client_slug: str, ask: AvailabilityAsk) -> _Offer:
    options = {}
    if session.get_bind().dialect.name == "postgresql" and not session.in_transaction():
        # One statement sees one snapshot on its own: run it outside a transaction and
        # save the BEGIN and ROLLBACK round trips, half of the four this request made.
        options = {"isolation_level": "AUTOCOMMIT"}
    # Plain rows, so the connection runs it: the session's ORM layer would add nothing.
    connection = session.connection(execution_options=options)
    params = {"slug": client_slug, "service_id": ask.service_id}
    rows = connection.execute(_offer_statement(), params).all()
    if not rows:
        raise NotFound  # no such client, or no such active service there
    client_id, zone, duration = rows[0][:3]
    schedules = tuple((row[3], row[4], row[5]) for row in rows if row[3] is not None)
    scope = Scope(client_id)
    if ask.schedule_id is not None:
        schedules = tuple(s for s in schedules if s[0] == ask.schedule_id)
        if not schedules:
            _refuse_schedule(session, scope, ask.schedule_id)
    return _Offer(scope, zone, duration, schedules)


def _refuse_schedule(session: Session, scope: Scope, schedule_id: uuid.UUID) -> None:
    # Only on the way to an error: tell "no such schedule here" (404) from "that
    # schedule does not offer this service" (the engine's reason).
    schedule = scope.get_schedule(session, schedule_id)
    if not schedule.is_active:
        raise NotFound
    raise scheduling.reasons.ServiceNotOffered()


def _days(
    session: Session,
    slot_cache: SlotCache,
    offer: _Offer,
    service_id: uuid.UUID,
    first_day: date,
    count: int,
    zone: ZoneInfo,
    now: datetime,
) -> dict[date, list[OpenSlot]]:
    dates = [first_day + timedelta(days=n) for n in range(count)]
    period = scheduling.Period(
        to_utc(day_start(dates[0], zone)), to_utc(day_start(dates[-1] + timedelta(days=1), zone))
    )
    by_day: dict[date, list[OpenSlot]] = {day: [] for day in dates}
    latest = now + timedelta(days=max((s[2] for s in offer.schedules), default=0))
    # Ranges wholly past or beyond every horizon offer nothing: skip loading and the engine.
    if not offer.schedules or period.end <= now or period.start > latest:
        return by_day
    ids = [s[0] for s in offer.schedules]
    loaded = session.scalars(
        offer.scope.schedules()
        .where(Schedule.id.in_(ids))
        .options(
            selectinload(Schedule.weekly_hours),
            selectinload(Schedule.date_overrides),
            selectinload(Schedule.closures),
            selectinload(Schedule.services),
        )
    ).all()
    ordered = sorted(loaded, key=lambda schedule: ids.index(schedule.id))
    service = offer.scope.get_service(session, service_id)
    slots = open_slots(
        session, slot_cache, schedules=ordered, service=service, period=period, now=now
    )
    for slot in slots:
        by_day[slot.start.astimezone(zone).date()].append(slot)
    return by_day


def _render(zone: ZoneInfo, days: dict[date, list[OpenSlot]]) -> bytes:
    data = {
        "timezone": zone.key,
        "days": [
            {"date": day.isoformat(), "slots": [_slot(slot, zone) for slot in slots]}
            for day, slots in days.items()
        ],
    }
    return json.dumps({"data": data}, separators=(",", ":")).encode()


def _slot(slot: OpenSlot, zone: ZoneInfo) -> dict[str, object]:
    return {
        "start": _iso_utc(slot.start),
        "end": _iso_utc(slot.end),
        "local_time": f"{slot.start.astimezone(zone):%H:%M}",
        "schedule": str(slot.schedule_id),
        "remaining": slot.remaining,
    }


def _iso_utc(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
