"""Factories with defaults for engine tests: override only what a test is about."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduling import Busy, Period, Schedule, Service, TimeRange, weekly_hours

LONDON = ZoneInfo("Europe/London")
WEEKDAYS = range(5)


def hours(*spans: tuple[str, str]) -> list[TimeRange]:
    """hours(("09:00", "12:30"), ("13:30", "17:00")) as TimeRange values."""
    return [TimeRange(time.fromisoformat(a), time.fromisoformat(b)) for a, b in spans]


def make_schedule(**overrides) -> Schedule:
    """Mon–Fri 09:00–17:00 in London, 15-minute step, capacity 1, no notice."""
    values = {
        "id": "sched",
        "tz": LONDON,
        "hours": weekly_hours({day: hours(("09:00", "17:00")) for day in WEEKDAYS}),
        "step": timedelta(minutes=15),
        "min_notice": timedelta(0),
        "horizon": timedelta(days=60),
    }
    values.update(overrides)
    return Schedule(**values)


def make_service(minutes: int = 30, schedule_ids=("sched",)) -> Service:
    return Service(
        "svc", "Consultation", timedelta(minutes=minutes), frozenset(schedule_ids)
    )


def at(text: str, tz: ZoneInfo = UTC, fold: int = 0) -> datetime:
    """An aware datetime from '2026-11-23 09:00' read as wall time in `tz`."""
    return datetime.fromisoformat(text).replace(tzinfo=tz, fold=fold)


def period(start: str, end: str, tz: ZoneInfo = UTC) -> Period:
    return Period(at(start, tz), at(end, tz))


def appointment(start: str, minutes: int = 30, tz: ZoneInfo = LONDON, **kwargs) -> Busy:
    begins = at(start, tz)
    return Busy(begins, begins + timedelta(minutes=minutes), **kwargs)


#: A Sunday evening before the week most tests book into (Mon 23 Nov 2026).
SUNDAY_EVENING = at("2026-11-22 18:00", LONDON)
