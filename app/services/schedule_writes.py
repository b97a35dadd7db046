"""One write to a schedule's set-up: locked, applied, availability bumped, committed once.

Settings changes take the same lock bookings take, so a booking checked against
the old opening hours cannot commit after the new hours did, and the bumps of
`availability_version` and `rules_version` in the same transaction retire every cached
slot list and every process's kept booking rules.
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
from app.models import Schedule, Service, User
from app.scope import Scope
from app.services import audit
from app.services.unit_of_work import start_write


@contextmanager
def schedule_write(
    session: Session, scope: Scope, schedule_id: uuid.UUID, *, actor: User | None = None
) -> Iterator[Schedule]:
    """Yield the schedule (else `NotFound`) under its lock; commit on exit, or roll back.

    The change is audited as `settings.change` naming the schedule's changed fields.
    """
    start_write(session)
    try:
        schedule = scope.get_schedule(session, schedule_id)
        lock_schedule(session, schedule.id)
        session.refresh(schedule)
        yield schedule
        audit_setting(session, scope, "settings.change", schedule, actor)
        schedule.availability_version += 1
        schedule.rules_version += 1
        commit_or_conflict(session)
    except BaseException:
        session.rollback()
        raise


def audit_setting(
    session: Session,
    scope: Scope,
    action: str,
    record: Schedule | Service,
    actor: User | None,
    fields: list[str] | None = None,
) -> None:
    """Audit a change to a schedule or service, naming the fields that changed.

    `fields` defaults to the record's unflushed changes; a use case that reads (and so
    flushes) after changing the record notes them first and passes them.
    """
    audit.record(
        session,
        action=action,
        client_id=scope.client_id,
        object_type=type(record).__tablename__.removesuffix("s"),
        object_id=record.id,
        fields=audit.changed_fields(record) if fields is None else fields,
        actor_id=actor.id if actor else None,
        actor_role=actor.role.value if actor else None,
    )


def commit_or_conflict(session: Session, message: str = "") -> None:
    """Commit; a unique constraint lost to a concurrent writer becomes `Conflict`."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(message or "That clashes with a change made at the same time.") from None
