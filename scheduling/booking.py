"""Checking one requested start: accept it, or refuse with the precise reason.

    check_booking(schedule, service, busy, now=..., start=...) -> Slot

The rules are exactly those of `availability` (a start is accepted if and only
if `available_slots` offers it); the reasons are checked in the order a person
would want to hear them: the service, the clock (past, notice, horizon), the
day (closed), the hours (outside, past closing, off the grid), the caps, and
finally the time already taken (blocked, overlapping, full).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from scheduling.availability import bookable_bounds, seconds
from scheduling.caps import CapCounter
from scheduling.grid import is_grid_start
from scheduling.load import Spans, span_of
from scheduling.model import Busy, BusyKind, Schedule, Service, Slot, _require_aware
from scheduling.opening import Window, hours_on, windows_on
from scheduling.reasons import (
    BeyondHorizon,
    ClosedThatDay,
    DailyCapReached,
    InThePast,
    NotOnSlotGrid,
    OutsideOpeningHours,
    OverlapsAppointment,
    ServiceNotOffered,
    SlotFull,
    TimeBlocked,
    TooSoon,
    WeeklyCapReached,
)
from scheduling.wallclock import to_seconds_ceil, to_utc, wall_of


def check_booking(
    schedule: Schedule,
    service: Service,
    busy: Iterable[Busy],
    *,
    now: datetime,
    start: datetime,
) -> Slot:
    """The slot at `start` if it may be booked; otherwise raise a `BookingRefused`."""
    _require_aware("start", start)
    if not service.offered_on(schedule):
        raise ServiceNotOffered()
    if start.timestamp() != int(start.timestamp()):
        raise NotOnSlotGrid(schedule.step)
    at = int(start.timestamp())
    _check_clock(schedule, now, at)
    duration = seconds(service.duration)
    _locate(schedule, duration, at)
    busy = list(busy)
    caps = CapCounter(schedule, busy)
    _check_caps(schedule, caps, at)
    remaining = _check_taken(schedule, busy, at, duration)
    if caps.active:
        remaining = min(remaining, caps.room_at(at))
    return Slot(to_utc(at), to_utc(at + duration), remaining)


def _check_clock(schedule: Schedule, now: datetime, at: int) -> None:
    earliest, latest = bookable_bounds(schedule, now)
    if at < to_seconds_ceil(now):
        raise InThePast()
    if at < earliest:
        raise TooSoon(schedule.min_notice)
    if at > latest:
        raise BeyondHorizon(schedule.horizon)


def _locate(schedule: Schedule, duration: int, at: int) -> Window:
    wall = wall_of(at, schedule.tz)
    windows = windows_on(schedule, wall.date())
    if not windows:
        raise ClosedThatDay(wall.date(), hours_on(schedule, wall.date()).closed_reason)
    for window in windows:
        if not window.wall_start <= wall < window.wall_end:
            continue
        if at < window.opens:
            raise OutsideOpeningHours()
        if not is_grid_start(window, schedule, at):
            raise NotOnSlotGrid(schedule.step)
        if at + duration > window.closes:
            raise OutsideOpeningHours(runs_past_closing=True)
        return window
    raise OutsideOpeningHours()


def _check_caps(schedule: Schedule, caps: CapCounter, at: int) -> None:
    if not caps.active:
        return
    day = wall_of(at, schedule.tz).date()
    if caps.day_room(day) <= 0:
        raise DailyCapReached(day)
    if caps.week_room(day) <= 0:
        raise WeeklyCapReached()


def _check_taken(schedule: Schedule, busy: list[Busy], at: int, duration: int) -> int:
    first = at - seconds(schedule.buffer_before)
    last = at + duration + seconds(schedule.buffer_after)
    for item in busy:
        if item.kind is BusyKind.BLOCK:
            block_start, block_end = span_of(item)
            if block_start < last and block_end > first:
                raise TimeBlocked()
    appointments = (item for item in busy if item.kind is BusyKind.APPOINTMENT)
    remaining = schedule.capacity - Spans(
        appointments, schedule.capacity, first, last
    ).peak(first, last)
    if remaining <= 0:
        raise OverlapsAppointment() if schedule.capacity == 1 else SlotFull()
    return remaining
