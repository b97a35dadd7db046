"""When a schedule is open: weekly hours, date overrides and closures.

Times are wall-clock times in the schedule's zone; the engine turns them into
instants (DST included). Each change locks the schedule, bumps its
availability version and commits once (see `schedule_writes`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from sqlalchemy.orm import Session

from app.errors import NotFound
from app.models import Closure, DateOverride, Schedule, User, WeeklyHours
from app.scope import Scope
from app.services.field_errors import InvalidField
from app.services.permissions import require_admin
from app.services.schedule_rules import WEEKDAYS, Interval, checked_intervals, checked_reason
from app.services.schedule_writes import schedule_write

#: A closure longer than this is almost certainly a typing mistake (a wrong year).
MAX_CLOSURE = timedelta(days=366)


def set_weekly_hours(
    session: Session,
    scope: Scope,
    schedule_id: uuid.UUID,
    hours: Mapping[int, Sequence[Interval]],
    *,
    actor: User,
) -> Schedule:
    """Replace the weekly hours (weekday 0 = Monday; a missing day is closed) and commit."""
    require_admin(actor, scope)
    if any(weekday not in range(7) for weekday in hours):
        raise InvalidField("hours", "Weekdays run from Monday to Sunday.")
    rows = [
        WeeklyHours(weekday=weekday, start_time=start, end_time=end)
        for weekday in range(7)
        for start, end in checked_intervals(
            f"day_{weekday}", WEEKDAYS[weekday], hours.get(weekday, ())
        )
    ]
    with schedule_write(session, scope, schedule_id, actor=actor) as schedule:
        schedule.weekly_hours = rows
    return schedule


def set_date_override(
    session: Session,
    scope: Scope,
    schedule_id: uuid.UUID,
    day: date,
    intervals: Sequence[Interval],
    *,
    actor: User,
) -> Schedule:
    """Give `day` its own hours (none: closed), replacing any earlier override of it."""
    require_admin(actor, scope)
    label = f"{day:%A} {day.day} {day:%B %Y}"
    checked = checked_intervals("hours", label, intervals)
    with schedule_write(session, scope, schedule_id, actor=actor) as schedule:
        kept = [row for row in schedule.date_overrides if row.date != day]
        if checked:
            added = [DateOverride(date=day, start_time=s, end_time=e) for s, e in checked]
        else:
            added = [DateOverride(date=day, start_time=None, end_time=None)]
        schedule.date_overrides = kept + added
    return schedule


def remove_date_override(
    session: Session, scope: Scope, schedule_id: uuid.UUID, day: date, *, actor: User
) -> Schedule:
    """Let `day` follow the weekly hours again; `NotFound` if it had no override."""
    require_admin(actor, scope)
    with schedule_write(session, scope, schedule_id, actor=actor) as schedule:
        kept = [row for row in schedule.date_overrides if row.date != day]
        if len(kept) == len(schedule.date_overrides):
            raise NotFound
        schedule.date_overrides = kept
    return schedule


def add_closure(
    session: Session,
    scope: Scope,
    schedule_id: uuid.UUID,
    first: date,
    last: date,
    reason: str,
    *,
    actor: User,
) -> Schedule:
    """Close the schedule from `first` to `last` inclusive and commit."""
    require_admin(actor, scope)
    if last < first:
        raise InvalidField("last_date", "The last day comes before the first day.")
    if last - first >= MAX_CLOSURE:
        raise InvalidField("last_date", "A closure can last at most a year; check the dates.")
    reason = checked_reason("reason", reason)
    with schedule_write(session, scope, schedule_id, actor=actor) as schedule:
        schedule.closures.append(Closure(first_date=first, last_date=last, reason=reason))
    return schedule


def remove_closure(
    session: Session, scope: Scope, schedule_id: uuid.UUID, closure_id: uuid.UUID, *, actor: User
) -> Schedule:
    """Delete one closure of this schedule; `NotFound` if it is not one of its own."""
    require_admin(actor, scope)
    with schedule_write(session, scope, schedule_id, actor=actor) as schedule:
        kept = [closure for closure in schedule.closures if closure.id != closure_id]
        if len(kept) == len(schedule.closures):
            raise NotFound
        schedule.closures = kept
    return schedule
