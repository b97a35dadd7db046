"""Available slots: every start a customer may book, with the seats left.

    available_slots(schedule, service, busy, now=..., period=...) -> list[Slot]

A start is offered when it is on the slot grid of an opening window (see
`grid`), the whole appointment fits in that window, it is at least the
minimum notice after `now` and no further than the horizon, the schedule's
seats are not all taken anywhere in the appointment's span including buffers
(buffers of existing appointments and of the new one both count), no blocked
time meets that span, and the day's and week's caps have room. Slots come back
sorted, in UTC; `grouping.by_local_day` arranges them for any viewer's zone.

Cost: one pass over the opening windows, one sort of the busy edges that meet
the requested period, one sliding-window pass; see bench/availability.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from scheduling.caps import CapCounter
from scheduling.grid import starts_in
from scheduling.load import Spans
from scheduling.model import Busy, Period, Schedule, Service, Slot, _require_aware
from scheduling.opening import local_days, windows_on
from scheduling.reasons import ServiceNotOffered
from scheduling.wallclock import to_seconds_ceil, to_seconds_floor, to_utc


def seconds(span) -> int:
    return int(span.total_seconds())


def bookable_bounds(schedule: Schedule, now: datetime) -> tuple[int, int]:
    """The earliest and latest bookable starts (epoch seconds, both included)."""
    _require_aware("now", now)
    earliest = to_seconds_ceil(now) + seconds(schedule.min_notice)
    latest = to_seconds_floor(now) + seconds(schedule.horizon)
    return earliest, latest


def candidate_starts(
    schedule: Schedule, duration: int, first: int, last: int
) -> list[int]:
    """Grid starts in [first, last] whose appointment fits its window, ascending."""
    starts = []
    for day in local_days(schedule, first, last):
        for window in windows_on(schedule, day):
            starts.extend(
                s for s in starts_in(window, schedule, duration) if first <= s <= last
            )
    return starts


def available_slots(
    schedule: Schedule,
    service: Service,
    busy: Iterable[Busy],
    *,
    now: datetime,
    period: Period,
) -> list[Slot]:
    """Every bookable start in `period`, sorted, with the bookings it still takes."""
    if not service.offered_on(schedule):
        raise ServiceNotOffered()
    earliest, latest = bookable_bounds(schedule, now)
    first = max(to_seconds_ceil(period.start), earliest)
    last = min(to_seconds_ceil(period.end) - 1, latest)
    if first > last:
        return []
    duration = seconds(service.duration)
    starts = candidate_starts(schedule, duration, first, last)
    if not starts:
        return []
    before, after = seconds(schedule.buffer_before), seconds(schedule.buffer_after)
    spans = [(s - before, s + duration + after) for s in starts]
    busy = list(busy)
    taken = Spans(busy, schedule.capacity, spans[0][0], spans[-1][1]).peaks(spans)
    caps = CapCounter(schedule, busy)
    capped = caps.active
    length = service.duration
    slots = []
    for start, peak in zip(starts, taken, strict=True):
        remaining = schedule.capacity - peak
        if remaining > 0 and capped:
            remaining = min(remaining, caps.room_at(start))
        if remaining > 0:
            begins = to_utc(start)
            slots.append(Slot(begins, begins + length, remaining))
    return slots
