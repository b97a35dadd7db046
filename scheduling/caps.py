"""Daily and weekly caps: how many more bookings a local day and ISO week take.

Days and weeks are those of the schedule's zone; a booking counts on the day
its appointment starts. Each appointment counts once, whatever its seats.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable
from datetime import date, timedelta

from scheduling.model import Busy, BusyKind, Schedule
from scheduling.wallclock import day_start, wall_of

UNLIMITED = 1 << 30


class CapCounter:
    """Counts bookings per local day and week, answering the room left at a start."""

    def __init__(self, schedule: Schedule, busy: Iterable[Busy]) -> None:
        self.schedule = schedule
        self.active = schedule.daily_cap is not None or schedule.weekly_cap is not None
        # Only a capped schedule pays for sorting the appointment starts.
        self.starts = (
            sorted(
                math.floor(item.start.timestamp())
                for item in busy
                if item.kind is BusyKind.APPOINTMENT
            )
            if self.active
            else []
        )
        self._counts: dict[tuple[date, int], int] = {}

    def _count(self, first_day: date, days: int) -> int:
        key = (first_day, days)
        if key not in self._counts:
            tz = self.schedule.tz
            low = bisect_left(self.starts, day_start(first_day, tz))
            high = bisect_left(
                self.starts, day_start(first_day + timedelta(days=days), tz)
            )
            self._counts[key] = high - low
        return self._counts[key]

    def day_room(self, day: date) -> int:
        if self.schedule.daily_cap is None:
            return UNLIMITED
        return self.schedule.daily_cap - self._count(day, 1)

    def week_room(self, day: date) -> int:
        if self.schedule.weekly_cap is None:
            return UNLIMITED
        monday = day - timedelta(days=day.weekday())
        return self.schedule.weekly_cap - self._count(monday, 7)

    def room_at(self, start: int) -> int:
        """Bookings still allowed on the day and week of a start (epoch seconds)."""
        day = wall_of(start, self.schedule.tz).date()
        return min(self.day_room(day), self.week_room(day))
