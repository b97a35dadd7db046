"""When a backup or a verification is due: pure functions of the clock and the settings.

A nightly backup is due once the configured hour has come in the deployment's zone and
no backup has started since; a backup missed (the beat was down) is made as soon as
possible rather than a day late. A wall-clock hour skipped by a clock change falls due
at the jump; a repeated hour falls due at its first occurrence.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def latest_slot(now: datetime, *, tz: str, hour: int, every_minutes: int | None = None) -> datetime:
    """The most recent scheduled backup time at or before `now` (aware UTC)."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    if every_minutes:
        step = timedelta(minutes=every_minutes)
        return _EPOCH + ((now - _EPOCH) // step) * step
    zone = ZoneInfo(tz)
    today = now.astimezone(zone).date()
    slot = _local_slot(today, hour, zone)
    if slot > now:
        slot = _local_slot(today - timedelta(days=1), hour, zone)
    return slot


def _local_slot(day: date, hour: int, zone: ZoneInfo) -> datetime:
    # fold=0: a repeated wall time means its first occurrence; a skipped one is read
    # with the offset from before the change, which lands on the moment of the jump
    # (or just after it), never before.
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def backup_due(
    now: datetime,
    *,
    last_started_at: datetime | None,
    tz: str,
    hour: int,
    every_minutes: int | None = None,
) -> bool:
    """True when no backup has started since the latest scheduled time."""
    slot = latest_slot(now, tz=tz, hour=hour, every_minutes=every_minutes)
    return last_started_at is None or last_started_at < slot


def week_key(now: datetime, *, tz: str) -> str:
    """The ISO week of `now` in zone `tz`, e.g. "2026-W47" (one verification per week)."""
    year, week, _day = now.astimezone(ZoneInfo(tz)).isocalendar()
    return f"{year}-W{week:02d}"
