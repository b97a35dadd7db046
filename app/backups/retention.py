"""Which backups to keep: the newest of each recent day, week and month (pure).

Tiers overlap: the backup kept for today also stands for this week and this month.
Days, weeks (ISO, Monday first) and months are calendar periods in the deployment's
zone, counted back from `now`'s own period. The newest backup is always kept, so a
deployment whose backups stopped long ago never loses its last one.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class RetentionPolicy:
    """How many days, weeks and months each keep their newest backup."""

    daily: int = 14
    weekly: int = 8
    monthly: int = 4

    def __post_init__(self) -> None:
        if min(self.daily, self.weekly, self.monthly) < 0 or self.daily < 1:
            raise ValueError("keep at least one daily backup and no negative counts")


def _day(d: date) -> tuple[int, int, int]:
    return (d.year, d.month, d.day)


def _week(d: date) -> tuple[int, int]:
    iso = d.isocalendar()
    return (iso.year, iso.week)


def _month(d: date) -> tuple[int, int]:
    return (d.year, d.month)


def _recent_periods(
    today: date, count: int, period: Callable[[date], tuple[int, ...]]
) -> set[tuple[int, ...]]:
    """The `count` most recent periods up to and including today's."""
    periods: set[tuple[int, ...]] = set()
    day = today
    while len(periods) < count:
        periods.add(period(day))
        day -= timedelta(days=1)
    return periods


def backups_to_keep(
    backups: Iterable[tuple[K, datetime]], *, now: datetime, tz: str, policy: RetentionPolicy
) -> set[K]:
    """The keys of the backups to keep among `(key, started_at)` pairs."""
    zone = ZoneInfo(tz)
    items = sorted(backups, key=lambda item: item[1], reverse=True)
    if not items:
        return set()
    today = now.astimezone(zone).date()
    keep: set[K] = {items[0][0]}
    for count, period in ((policy.daily, _day), (policy.weekly, _week), (policy.monthly, _month)):
        wanted = _recent_periods(today, count, period)
        seen: set = set()
        for key, started_at in items:  # newest first: the first of each period wins
            local_day = started_at.astimezone(zone).date()
            if local_day > today:  # from the future (a clock was wrong): not ours to judge
                keep.add(key)
                continue
            bucket = period(local_day)
            if bucket in wanted and bucket not in seen:
                seen.add(bucket)
                keep.add(key)
    return keep
