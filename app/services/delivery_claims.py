"""Claiming due rows (reminders, outgoing messages) so that each is sent by one worker.

A claim is a lease written in its own short transaction: `claim_token` names the
worker's claim and `claimed_until` ends it. Another worker skips a claimed row
until the lease has passed, so a worker that dies mid-send leaves a row that is
retried later rather than lost. Only the claim's holder records the outcome.

PostgreSQL: the candidate rows are read `FOR UPDATE SKIP LOCKED` inside the
claiming UPDATE, so concurrent claimers take disjoint rows without waiting.
SQLite: the UPDATE runs in a `BEGIN IMMEDIATE` transaction (one writer at a
time) and re-checks the conditions, so a row is claimed once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from app.models.delivery import DeliveryStatus
from app.models.outbox import OutboxMessage
from app.models.reminder import Reminder
from app.services.unit_of_work import start_write

#: How long a worker may take over a claimed batch before others may retry it.
LEASE = timedelta(minutes=10)
#: Waits after the 1st, 2nd, ... failed attempt; after the last one the row has failed.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
#: Written when a worker's claim ran out with its last attempt (it stopped mid-send).
ABANDONED = "worker stopped before finishing"

DeliveryModel = type[Reminder] | type[OutboxMessage]


@dataclass(frozen=True)
class Claim:
    """The rows one worker now holds, and until when."""

    token: uuid.UUID
    ids: tuple[uuid.UUID, ...]
    until: datetime


def _claimable(model: DeliveryModel, now: datetime):
    return (
        (model.status == DeliveryStatus.PENDING)
        & (model.due_at <= now)
        & (model.attempts < MAX_ATTEMPTS)
        & or_(model.claimed_until.is_(None), model.claimed_until < now)
    )


def claim_due(
    session: Session,
    model: DeliveryModel,
    *,
    now: datetime,
    limit: int,
    only_ids: list[uuid.UUID] | None = None,
    lease: timedelta = LEASE,
) -> Claim:
    """Claim up to `limit` due rows (of `only_ids`, if given) and commit the claim."""
    start_write(session)
    candidates = (
        select(model.id)
        .where(_claimable(model, now))
        .order_by(model.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if only_ids is not None:
        candidates = candidates.where(model.id.in_(only_ids))
    token, until = uuid.uuid4(), now + lease
    stmt = (
        update(model)
        .where(model.id.in_(candidates.scalar_subquery()), _claimable(model, now))
        .values(claim_token=token, claimed_until=until, attempts=model.attempts + 1)
        .returning(model.id)
        .execution_options(synchronize_session=False)
    )
    ids = tuple(session.scalars(stmt).all())
    session.commit()
    return Claim(token=token, ids=ids, until=until)


def _held(model: DeliveryModel, row_id: uuid.UUID, token: uuid.UUID):
    return (
        (model.id == row_id)
        & (model.claim_token == token)
        & (model.status == DeliveryStatus.PENDING)
    )


def mark_sent(
    session: Session, model: DeliveryModel, row_id: uuid.UUID, token: uuid.UUID, *, now: datetime
) -> bool:
    """Record a successful send (only the claim's holder can) and commit."""
    return _finish(
        session,
        model,
        row_id,
        token,
        status=DeliveryStatus.SENT,
        sent_at=now,
        last_error=None,
    )


def mark_cancelled(
    session: Session, model: DeliveryModel, row_id: uuid.UUID, token: uuid.UUID, *, reason: str
) -> bool:
    """Record that the row is not to be sent after all, and commit."""
    return _finish(
        session, model, row_id, token, status=DeliveryStatus.CANCELLED, last_error=reason
    )


def mark_failed_attempt(
    session: Session,
    model: DeliveryModel,
    row_id: uuid.UUID,
    token: uuid.UUID,
    *,
    now: datetime,
    error: str,
    permanent: bool = False,
    not_after: datetime | None = None,
) -> DeliveryStatus:
    """Schedule the next attempt from `BACKOFF`, or fail the row when none is left.

    `not_after` is the moment after which sending no longer makes sense (a reminder's
    appointment start): a retry that would come later fails the row now instead.
    """
    start_write(session)
    attempts = session.scalar(select(model.attempts).where(_held(model, row_id, token)))
    if attempts is None:
        session.rollback()
        return DeliveryStatus.PENDING  # no longer ours: its new holder decides
    retry_at = now + BACKOFF[attempts - 1] if attempts <= len(BACKOFF) else None
    if permanent or retry_at is None or (not_after is not None and retry_at >= not_after):
        _finish(session, model, row_id, token, status=DeliveryStatus.FAILED, last_error=error)
        return DeliveryStatus.FAILED
    _finish(
        session,
        model,
        row_id,
        token,
        status=DeliveryStatus.PENDING,
        due_at=retry_at,
        last_error=error,
    )
    return DeliveryStatus.PENDING


def release(
    session: Session, model: DeliveryModel, row_ids: list[uuid.UUID], token: uuid.UUID
) -> None:
    """Give back claimed rows that were not attempted (the attempt is not counted)."""
    if not row_ids:
        return
    start_write(session)
    session.execute(
        update(model)
        .where(model.id.in_(row_ids), model.claim_token == token)
        .values(claim_token=None, claimed_until=None, attempts=model.attempts - 1)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def fail_abandoned(session: Session, model: DeliveryModel, *, now: datetime) -> int:
    """Fail rows whose last allowed attempt's worker vanished (their lease ran out)."""
    start_write(session)
    result = session.execute(
        update(model)
        .where(
            model.status == DeliveryStatus.PENDING,
            model.attempts >= MAX_ATTEMPTS,
            model.claimed_until < now,
        )
        .values(
            status=DeliveryStatus.FAILED, claim_token=None, claimed_until=None, last_error=ABANDONED
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount


def _finish(
    session: Session,
    model: DeliveryModel,
    row_id: uuid.UUID,
    token: uuid.UUID,
    **values: object,
) -> bool:
    if not session.in_transaction():
        start_write(session)
    result = session.execute(
        update(model)
        .where(_held(model, row_id, token))
        .values(claim_token=None, claimed_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount == 1
