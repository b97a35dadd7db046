"""Wall-clock times in a zone turned into real instants, the DST-safe way.

Opening hours are wall-clock times; appointments last real time. Where a wall
time does not exist (the hour skipped when clocks go forward) or exists twice
(the hour repeated when they go back), these rules decide, everywhere in the
engine:

- a slot start that does not exist is never offered;
- a slot start that is ambiguous means its first occurrence (fold=0), so it
  is offered exactly once and the same way every time;
- an opening boundary that does not exist means the moment the clocks jump,
  so opening at 02:00 on a day that skips 02:00–03:00 opens at 03:00.

Instants are integer seconds since the epoch: the hot paths compare and sort
millions of them, and ints are several times cheaper than aware datetimes.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ONE_DAY = timedelta(days=1)


def to_seconds_floor(moment: datetime) -> int:
    return math.floor(moment.timestamp())


def to_seconds_ceil(moment: datetime) -> int:
    return math.ceil(moment.timestamp())


def to_utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def wall_of(seconds: int, tz: ZoneInfo) -> datetime:
    """The naive wall-clock reading in `tz` at an instant."""
    return datetime.fromtimestamp(seconds, tz).replace(tzinfo=None)


def offset_at(seconds: int, tz: ZoneInfo) -> timedelta:
    return datetime.fromtimestamp(seconds, tz).utcoffset() or timedelta(0)


def start_instant(wall: datetime, tz: ZoneInfo) -> int | None:
    """Instant of a wall time offered as a slot start; None where it does not exist."""
    seconds = int(wall.replace(tzinfo=tz, fold=0).timestamp())
    if wall_of(seconds, tz) != wall:
        return None
    return seconds


def boundary_instant(wall: datetime, tz: ZoneInfo) -> int:
    """Instant of an opening boundary: a skipped wall time maps to the jump itself."""
    seconds = start_instant(wall, tz)
    if seconds is not None:
        return seconds
    return _jump_after(wall, tz)


def _jump_after(wall: datetime, tz: ZoneInfo) -> int:
    # In a gap, fold=1 reads the wall time with the offset after the jump and
    # fold=0 with the offset before it, bracketing the jump; bisect for it.
    low = int(wall.replace(tzinfo=tz, fold=1).timestamp())
    high = int(wall.replace(tzinfo=tz, fold=0).timestamp())
    low, high = min(low, high), max(low, high)
    while low < high:
        middle = (low + high) // 2
        if wall_of(middle, tz) > wall:
            high = middle
        else:
            low = middle + 1
    return low


def day_start(day: date, tz: ZoneInfo) -> int:
    """The first instant of a local date."""
    return boundary_instant(datetime.combine(day, time(0)), tz)
