"""Open slots for customers and staff: the engine, fed from the database, cached.

Computing a month of slots is cheap (milliseconds), but a booking page asks
for it on every view. Results are cached per process, keyed by the schedule's
`availability_version` (bumped in the same transaction as every change to its
appointments or settings), so a cached answer is never older than the data it
was computed from. The minimum notice and horizon depend on the clock: the
cache holds the slots with neither applied, and each request trims them
exactly to its own `now` — the engine applies those two bounds as a pure
filter on starts, so the result is identical.
"""

from __future__ import annotations

import uuid
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from threading import Lock

import scheduling
from app import models
from app.scope import busy_intervals
from app.services.engine_values import engine_busy, engine_schedule, engine_service

CACHE_ENTRIES = 512


@dataclass(frozen=True, slots=True)
class OpenSlot:
    """A bookable start on one schedule, with the bookings it still takes."""

    schedule_id: uuid.UUID
    start: datetime
    end: datetime
    remaining: int


class SlotCache:
    """A small per-process LRU of unbounded slot lists."""

    def __init__(self, entries: int = CACHE_ENTRIES) -> None:
        self._entries = entries
        self._data: OrderedDict[tuple, tuple[list[datetime], list[scheduling.Slot]]] = OrderedDict()
        self._lock = Lock()

    def get(self, key: tuple) -> tuple[list[datetime], list[scheduling.Slot]] | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: tuple, value: tuple[list[datetime], list[scheduling.Slot]]) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._entries:
                self._data.popitem(last=False)


def open_slots(
    session,
    cache: SlotCache,
    *,
    schedules: list[models.Schedule],
    service: models.Service,
    period: scheduling.Period,
    now: datetime,
    exclude: uuid.UUID | None = None,
) -> list[OpenSlot]:
    """Bookable starts of `service` in `period` on `schedules`, first available first.

    With several schedules each start appears once, on the first schedule (in the
    given order) that has room: "first available" for the customer. `exclude`
    leaves one appointment out of the busy time (the one being moved); such an
    answer is computed afresh, not cached.
    """
    offered = [s for s in schedules if s.is_active and service in s.services]
    seen: dict[datetime, OpenSlot] = {}
    for schedule in offered:
        for slot in _schedule_slots(session, cache, schedule, service, period, now, exclude):
            seen.setdefault(slot.start, OpenSlot(schedule.id, slot.start, slot.end, slot.remaining))
    return sorted(seen.values(), key=lambda slot: slot.start)


def _schedule_slots(
    session, cache, schedule, service, period, now, exclude=None
) -> list[scheduling.Slot]:
    key = (
        schedule.id,
        schedule.availability_version,
        service.id,
        service.duration_minutes,
        period.start,
        period.end,
    )
    cached = cache.get(key) if exclude is None else None
    if cached is None:
        cached = _unbounded_slots(session, schedule, service, period, exclude)
        if exclude is None:
            cache.put(key, cached)
    starts, slots = cached
    earliest = now + timedelta(minutes=schedule.min_notice_minutes)
    latest = now + timedelta(days=schedule.horizon_days)
    return slots[bisect_left(starts, earliest) : bisect_right(starts, latest)]


def _unbounded_slots(session, schedule, service, period, exclude=None) -> tuple[list, list]:
    rules = replace(
        engine_schedule(schedule),
        min_notice=timedelta(0),
        horizon=period.end - period.start + timedelta(days=1),
    )
    busy = engine_busy(
        busy_intervals(session, schedule.id, *_busy_range(rules, service, period), exclude=exclude)
    )
    slots = scheduling.available_slots(
        rules, engine_service(service, [schedule.id]), busy, now=period.start, period=period
    )
    return [slot.start for slot in slots], slots


def _busy_range(
    rules: scheduling.Schedule, service, period: scheduling.Period
) -> tuple[datetime, datetime]:
    # Caps count the whole local day and ISO week around each start; a slot also reaches
    # its service's length and the buffers past its start (over a day for long services).
    margin = timedelta(days=8) if rules.daily_cap or rules.weekly_cap else timedelta(days=1)
    margin += timedelta(minutes=service.duration_minutes) + rules.buffer_before + rules.buffer_after
    return period.start - margin, period.end + margin
