"""Serialized write transactions: one booking at a time per schedule.

Two customers booking the last place on a schedule at the same moment must not both
succeed. A booking service calls `lock_schedule` first; whoever comes second waits until
the first transaction commits or rolls back, then sees its result.

- PostgreSQL: `SELECT ... FOR UPDATE` on the schedule row; other schedules are unaffected.
- SQLite: `BEGIN IMMEDIATE`, which takes the database's single write lock up front (SQLite
  has no row locks). The transaction must start with it: a transaction that has already
  read cannot upgrade to a write lock without risking "database is locked" errors.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db import SQLITE_BEGIN_MODE
from app.errors import NotFound
from app.models import Schedule, User


class LockOrderError(RuntimeError):
    """`lock_schedule` was called after the transaction had already begun (SQLite)."""


def lock_schedule(session: Session, schedule_id: uuid.UUID) -> None:
    """Hold the write lock of `schedule_id` until the session's transaction ends.

    Call it before any other statement of the unit of work. Raises `NotFound` if the
    schedule does not exist.
    """
    stmt = select(Schedule.id).where(Schedule.id == schedule_id)
    if session.get_bind().dialect.name == "sqlite":
        _begin_immediate(session)
    else:
        stmt = stmt.with_for_update()
    if session.execute(stmt).first() is None:
        raise NotFound


def lock_schedule_and_mark_changed(
    session: Session, schedule_id: uuid.UUID, *, client_id: uuid.UUID, customer_id: uuid.UUID
) -> tuple[int, bool]:
    """`lock_schedule` for a new appointment of `customer_id`, in one round trip.

    The lock is taken by the update that marks the schedule's cached availability stale
    (an UPDATE locks its row like `SELECT ... FOR UPDATE` does, on PostgreSQL), so the
    locked section of a booking starts one statement shorter. A rollback undoes the mark.
    The same statement holds the customer's row (`FOR KEY SHARE`) until the commit: an
    erasure, which locks that row for update, then waits for the booking, or the booking
    waits for the erasure and sees the account closed.

    Returns the schedule's rules version as of the lock and whether the customer's
    account is active. Raises `NotFound` if the schedule does not exist in `client_id`'s
    client.
    """
    active = select(User.is_active).where(User.id == customer_id)
    if session.get_bind().dialect.name == "sqlite":
        _begin_immediate(session)  # SQLite's write lock covers every row
    else:
        active = active.with_for_update(read=True, key_share=True)
    stmt = (
        update(Schedule)
        .where(Schedule.id == schedule_id, Schedule.client_id == client_id)
        .values(availability_version=Schedule.availability_version + 1)
        .returning(Schedule.rules_version, active.scalar_subquery())
    )
    row = session.execute(stmt).first()
    if row is None:
        raise NotFound
    version, customer_active = row
    return version, bool(customer_active)


def _begin_immediate(session: Session) -> None:
    if session.in_transaction():
        connection = session.connection()
        if connection.get_execution_options().get(SQLITE_BEGIN_MODE) != "IMMEDIATE":
            raise LockOrderError(
                "on SQLite lock_schedule must come first in its transaction: commit or "
                "roll back before calling it, or call it before reading anything"
            )
        return
    # The engine's "begin" hook reads this option and emits BEGIN IMMEDIATE.
    session.connection(execution_options={SQLITE_BEGIN_MODE: "IMMEDIATE"})
