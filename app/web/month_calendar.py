"""A month of days for the booking calendar: which days have openings, with their links.

The page is a plain table of links, so it works without JavaScript and with a
keyboard. Links are built here (by the caller's `day_url`) rather than in the
template, so the booking and the reschedule pages share one calendar.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from app.web.timezones import long_day, next_month, previous_month

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class CalendarDay:
    """One date of the month; `url` is None when nothing can be booked on it."""

    day: date
    openings: int
    url: str | None
    selected: bool

    @property
    def label(self) -> str:
        """What a screen reader announces for the day's link."""
        times = "1 time" if self.openings == 1 else f"{self.openings} times"
        return f"{long_day(self.day)}, {times} available"


@dataclass(frozen=True)
class MonthCalendar:
    """A month as weeks (Monday first); days of other months are None."""

    first: date
    weeks: list[list[CalendarDay | None]]
    previous_url: str | None
    next_url: str | None
    weekdays: Sequence[str] = WEEKDAYS

    @property
    def title(self) -> str:
        """'March 2031'."""
        return f"{self.first:%B %Y}"


def month_calendar(
    first: date,
    openings: Mapping[date, Sequence[object]],
    *,
    today: date,
    last_day: date,
    selected: date | None,
    day_url: Callable[[date], str],
    month_url: Callable[[date], str],
) -> MonthCalendar:
    """The month starting `first`, linking the days from `today` that have `openings`.

    Months before today's and after `last_day` (the end of the booking horizon)
    get no navigation link: nothing could be booked in them.
    """
    weeks = [
        [_day(d, first, openings, today, selected, day_url) for d in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    before, after = previous_month(first), next_month(first)
    return MonthCalendar(
        first=first,
        weeks=weeks,
        previous_url=month_url(before) if first > today.replace(day=1) else None,
        next_url=month_url(after) if after <= last_day else None,
    )


def _day(
    day: date,
    first: date,
    openings: Mapping[date, Sequence[object]],
    today: date,
    selected: date | None,
    day_url: Callable[[date], str],
) -> CalendarDay | None:
    if day.month != first.month:
        return None
    count = len(openings.get(day, ())) if day >= today else 0
    return CalendarDay(day, count, day_url(day) if count else None, day == selected)
