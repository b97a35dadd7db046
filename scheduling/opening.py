"""Opening windows: a schedule's wall-clock hours on each local date, in real time.

A date's hours come from, in order of precedence: a closure covering the date
(closed), a date override (its own hours, or closed), the weekly hours of its
weekday. Each wall interval becomes a `Window` whose grid of slot starts is
anchored at the interval's wall-clock start.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from scheduling.model import Schedule, TimeRange
from scheduling.wallclock import ONE_DAY, boundary_instant, offset_at, start_instant


@dataclass(frozen=True, slots=True)
class Window:
    """One opening interval of one local date, its bounds in epoch seconds."""

    day: date
    wall_start: datetime
    wall_end: datetime
    opens: int
    closes: int

    def is_regular(self, schedule: Schedule) -> bool:
        """True when wall time runs in step with real time for the whole window."""
        return (
            self.closes > self.opens
            and start_instant(self.wall_start, schedule.tz) == self.opens
            and offset_at(self.opens, schedule.tz)
            == offset_at(self.closes, schedule.tz)
        )


@dataclass(frozen=True, slots=True)
class DayHours:
    """What a local date offers: its wall intervals, or why it is closed."""

    ranges: tuple[TimeRange, ...]
    closed_reason: str = ""


def hours_on(schedule: Schedule, day: date) -> DayHours:
    """The wall-clock hours of one local date after closures and overrides."""
    closure = schedule.closure_for(day)
    if closure is not None:
        return DayHours((), closure.reason)
    override = schedule.override_for(day)
    if override is not None:
        return DayHours(override.hours, override.reason)
    return DayHours(schedule.hours[day.weekday()])


def windows_on(schedule: Schedule, day: date) -> list[Window]:
    """The opening windows of one local date, in order."""
    windows = []
    for hours in hours_on(schedule, day).ranges:
        wall_start = datetime.combine(day, hours.start)
        end_day = day + ONE_DAY if hours.ends_at_midnight else day
        wall_end = datetime.combine(end_day, hours.end)
        opens = boundary_instant(wall_start, schedule.tz)
        closes = boundary_instant(wall_end, schedule.tz)
        if closes > opens:
            windows.append(Window(day, wall_start, wall_end, opens, closes))
    return windows


def local_days(schedule: Schedule, first: int, last: int) -> Iterator[date]:
    """Every local date whose windows may hold an instant in [first, last]."""
    day = datetime.fromtimestamp(first, schedule.tz).date() - ONE_DAY
    final = datetime.fromtimestamp(last, schedule.tz).date()
    while day <= final:
        yield day
        day += timedelta(days=1)
