"""One write to a schedule's set-up: locked, applied, availability bumped, committed once.

Settings changes take the same lock bookings take, so a booking checked against
the old opening hours cannot commit after the new hours did, and the bump of
`availability_version` in the same transaction retires every cached slot list.
Any failure rolls the whole change back: nothing of a refused form is saved.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db_locks import lock_schedule
from app.errors import Conflict
from app.models import Schedule
from app.scope import Scope
from app.services.unit_of_work import start_write


@contextmanager
def schedule_write(session: Session, scope: Scope, schedule_id: uuid.UUID) -> Iterator[Schedule]:
    """Yield the schedule (else `NotFound`) under its lock; commit on exit, or roll back."""
    start_write(session)
    try:
        schedule = scope.get_schedule(session, schedule_id)
        lock_schedule(session, schedule.id)
        session.refresh(schedule)
        yield schedule
        schedule.availability_version += 1
        commit_or_conflict(session)
    except BaseException:
        session.rollback()
        raise


def commit_or_conflict(session: Session, message: str = "") -> None:
    """Commit; a unique constraint lost to a concurrent writer becomes `Conflict`."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(message or "That clashes with a change made at the same time.") from None
