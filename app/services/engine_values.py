"""Rows to engine values: the only place database records become `scheduling` inputs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from zoneinfo import ZoneInfo

import scheduling
from app import models
from app.scope import BusyInterval


def engine_schedule(schedule: models.Schedule) -> scheduling.Schedule:
    """The engine's view of a schedule: hours, overrides, closures and limits."""
    by_weekday: dict[int, list[scheduling.TimeRange]] = {}
    for row in schedule.weekly_hours:
        by_weekday.setdefault(row.weekday, []).append(
            scheduling.TimeRange(row.start_time, row.end_time)
        )
    return scheduling.Schedule(
        id=str(schedule.id),
        tz=ZoneInfo(schedule.timezone),
        hours=scheduling.weekly_hours(by_weekday),
        overrides=_overrides(schedule.date_overrides),
        closures=tuple(
            scheduling.Closure(c.first_date, c.last_date, c.reason) for c in schedule.closures
        ),
        step=timedelta(minutes=schedule.slot_step_minutes),
        buffer_before=timedelta(minutes=schedule.buffer_before_minutes),
        buffer_after=timedelta(minutes=schedule.buffer_after_minutes),
        min_notice=timedelta(minutes=schedule.min_notice_minutes),
        horizon=timedelta(days=schedule.horizon_days),
        capacity=schedule.capacity,
        daily_cap=schedule.daily_cap,
        weekly_cap=schedule.weekly_cap,
    )


def _overrides(rows: Iterable[models.DateOverride]) -> tuple[scheduling.DateOverride, ...]:
    by_date: dict = {}
    for row in rows:
        hours = by_date.setdefault(row.date, [])
        if not row.is_closed:
            hours.append(scheduling.TimeRange(row.start_time, row.end_time))
    return tuple(scheduling.DateOverride(day, tuple(hours)) for day, hours in by_date.items())


def engine_service(service: models.Service, schedule_ids: Iterable) -> scheduling.Service:
    """The engine's view of a service, offered on `schedule_ids`."""
    return scheduling.Service(
        id=str(service.id),
        name=service.name,
        duration=timedelta(minutes=service.duration_minutes),
        schedule_ids=frozenset(str(s) for s in schedule_ids),
    )


def engine_busy(rows: Iterable[BusyInterval]) -> list[scheduling.Busy]:
    """Busy time from the plain intervals `app.scope.busy_intervals` returns."""
    return [
        scheduling.Busy(start, end, timedelta(minutes=before), timedelta(minutes=after))
        for start, end, before, after in rows
    ]


def change_policy(client: models.Client) -> scheduling.ChangePolicy:
    """The client's cancellation and reschedule cut-offs."""
    return scheduling.ChangePolicy(
        cancel_cutoff=timedelta(minutes=client.cancel_cutoff_minutes),
        reschedule_cutoff=timedelta(minutes=client.reschedule_cutoff_minutes),
    )
