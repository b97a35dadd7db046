"""The plain values the scheduling engine works on.

Everything here is a frozen dataclass built from the standard library only:
a schedule in an IANA time zone with its opening rules, a service, the busy
time already taken, and the slots the engine offers back. Instants are aware
datetimes (any zone in, UTC out); opening hours are wall-clock times in the
schedule's zone.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MIDNIGHT = time(0)
#: An upper bound for seats so load arithmetic can pack weights into integers.
MAX_CAPACITY = 10_000


def _require_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


@dataclass(frozen=True, slots=True)
class TimeRange:
    """Wall-clock opening interval within one day; an `end` of 00:00 means midnight."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("opening hours are wall-clock times without a zone")
        if self.end != MIDNIGHT and self.end <= self.start:
            raise ValueError(f"opening hours must end after they start ({self})")

    @property
    def ends_at_midnight(self) -> bool:
        return self.end == MIDNIGHT

    def __str__(self) -> str:
        end = "24:00" if self.ends_at_midnight else f"{self.end:%H:%M}"
        return f"{self.start:%H:%M}–{end}"


def _sorted_ranges(ranges: Iterable[TimeRange]) -> tuple[TimeRange, ...]:
    ordered = tuple(sorted(ranges, key=lambda r: r.start))
    for before, after in itertools.pairwise(ordered):
        if before.ends_at_midnight or before.end > after.start:
            raise ValueError(f"opening hours {before} and {after} overlap")
    return ordered


@dataclass(frozen=True, slots=True)
class DateOverride:
    """A date with its own opening hours; no hours means closed that day."""

    day: date
    hours: tuple[TimeRange, ...] = ()
    reason: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "hours", _sorted_ranges(self.hours))


@dataclass(frozen=True, slots=True)
class Closure:
    """Closed on every date from `first_day` to `last_day`, both included."""

    first_day: date
    last_day: date
    reason: str = ""

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValueError("a closure must end on or after its first day")

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


def weekly_hours(
    by_weekday: Mapping[int, Iterable[TimeRange]],
) -> tuple[tuple[TimeRange, ...], ...]:
    """Weekly hours as seven tuples, Monday (0) to Sunday (6), from a partial mapping."""
    if any(day not in range(7) for day in by_weekday):
        raise ValueError("weekdays run from 0 (Monday) to 6 (Sunday)")
    return tuple(_sorted_ranges(by_weekday.get(day, ())) for day in range(7))


@dataclass(frozen=True)
class Schedule:
    """A bookable calendar: opening rules in `tz`, slot grid, buffers and limits."""

    id: str
    tz: ZoneInfo
    hours: tuple[
        tuple[TimeRange, ...], ...
    ]  #: seven entries, Monday first; see weekly_hours()
    overrides: tuple[DateOverride, ...] = ()
    closures: tuple[Closure, ...] = ()
    step: timedelta = timedelta(minutes=15)
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)
    min_notice: timedelta = timedelta(0)
    horizon: timedelta = timedelta(days=60)
    capacity: int = 1  #: appointments that may run at the same time (N for a class)
    daily_cap: int | None = None  #: bookings per local day, None for no cap
    weekly_cap: int | None = None  #: bookings per local ISO week, None for no cap
    _overrides_by_day: dict[date, DateOverride] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if len(self.hours) != 7:
            raise ValueError("weekly hours need seven entries, Monday first")
        if self.step <= timedelta(0) or self.step.total_seconds() % 60:
            raise ValueError("the slot step must be a positive whole number of minutes")
        for name in ("buffer_before", "buffer_after", "min_notice", "horizon"):
            if getattr(self, name) < timedelta(0):
                raise ValueError(f"{name} cannot be negative")
        if not 1 <= self.capacity <= MAX_CAPACITY:
            raise ValueError(f"capacity must be between 1 and {MAX_CAPACITY}")
        for name in ("daily_cap", "weekly_cap"):
            cap = getattr(self, name)
            if cap is not None and cap < 1:
                raise ValueError(f"{name} must be at least 1 when set")
        by_day = {}
        for override in self.overrides:
            if override.day in by_day:
                raise ValueError(f"two overrides for {override.day}")
            by_day[override.day] = override
        object.__setattr__(self, "_overrides_by_day", by_day)

    def override_for(self, day: date) -> DateOverride | None:
        return self._overrides_by_day.get(day)

    def closure_for(self, day: date) -> Closure | None:
        return next((c for c in self.closures if c.covers(day)), None)


@dataclass(frozen=True, slots=True)
class Service:
    """Something a customer books: it lasts `duration` of real time."""

    id: str
    name: str
    duration: timedelta
    schedule_ids: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.duration <= timedelta(0) or self.duration.total_seconds() % 60:
            raise ValueError("a service lasts a positive whole number of minutes")

    def offered_on(self, schedule: Schedule) -> bool:
        return schedule.id in self.schedule_ids


class BusyKind(enum.Enum):
    APPOINTMENT = "appointment"  #: takes seats and counts towards daily and weekly caps
    BLOCK = "block"  #: time the schedule is unavailable whatever its capacity


@dataclass(frozen=True, slots=True)
class Busy:
    """Time already taken on a schedule, with the buffers it was booked with."""

    start: datetime
    end: datetime
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)
    kind: BusyKind = BusyKind.APPOINTMENT
    seats: int = 1

    def __post_init__(self) -> None:
        _require_aware("busy start", self.start)
        _require_aware("busy end", self.end)
        if self.end <= self.start:
            raise ValueError("busy time must end after it starts")
        if not 1 <= self.seats <= MAX_CAPACITY:
            raise ValueError("seats must be between 1 and the maximum capacity")

    @classmethod
    def block(cls, start: datetime, end: datetime) -> Busy:
        return cls(start, end, kind=BusyKind.BLOCK)


@dataclass(frozen=True, slots=True)
class Period:
    """A half-open span of real time [start, end)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _require_aware("period start", self.start)
        _require_aware("period end", self.end)
        if self.end <= self.start:
            raise ValueError("a period must end after it starts")


@dataclass(frozen=True, slots=True)
class Slot:
    """A start a customer may book, in UTC, and how many more bookings it takes."""

    start: datetime
    end: datetime
    remaining: int
