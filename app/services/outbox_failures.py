"""What could not be sent: failed (and retrying) e-mails and reminders, and retrying them.

The client administrator sees every failure of their client with its reason (an
error kind, never an address or a message body) and can send it again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.errors import InvalidInput, NotFound
from app.models import User
from app.models.delivery import DeliveryStatus
from app.models.outbox import OutboxMessage
from app.models.reminder import Reminder
from app.scope import Scope
from app.services import audit
from app.services.unit_of_work import start_write

#: Rows listed per kind; older failures stay in the database.
SHOWN = 200
KINDS = {"message": OutboxMessage, "reminder": Reminder}


@dataclass(frozen=True)
class Undelivered:
    """One message or reminder that failed, or waits for a retry, as the page lists it."""

    kind: str
    id: uuid.UUID
    #: e.g. "appointment_booked" or "Reminder 24 h before".
    what: str
    status: DeliveryStatus
    attempts: int
    last_error: str | None
    #: When it failed, or when the next attempt is due.
    at: datetime
    appointment_id: uuid.UUID | None


def undelivered(session: Session, scope: Scope) -> list[Undelivered]:
    """Failed items and those waiting for a retry, newest first."""
    items = [_message_item(row) for row in _rows(session, scope, OutboxMessage)]
    items += [_reminder_item(row) for row in _rows(session, scope, Reminder)]
    return sorted(items, key=lambda item: item.at, reverse=True)


def _rows(session: Session, scope: Scope, model: type) -> list:
    failed_or_retrying = (model.status == DeliveryStatus.FAILED) | (
        (model.status == DeliveryStatus.PENDING) & (model.attempts > 0)
    )
    stmt = scope.deliveries(model).where(failed_or_retrying).order_by(model.updated_at.desc())
    return session.scalars(stmt.limit(SHOWN)).all()


def _message_item(row: OutboxMessage) -> Undelivered:
    appointment_id = row.context.get("appointment_id")
    return Undelivered(
        kind="message",
        id=row.id,
        what=row.template.replace("_", " "),
        status=row.status,
        attempts=row.attempts,
        last_error=row.last_error,
        at=row.updated_at if row.status is DeliveryStatus.FAILED else row.due_at,
        appointment_id=uuid.UUID(appointment_id) if appointment_id else None,
    )


def _reminder_item(row: Reminder) -> Undelivered:
    lead = row.lead_minutes
    before = f"{lead // 60} h" if lead % 60 == 0 else f"{lead} min"
    return Undelivered(
        kind="reminder",
        id=row.id,
        what=f"reminder {before} before",
        status=row.status,
        attempts=row.attempts,
        last_error=row.last_error,
        at=row.updated_at if row.status is DeliveryStatus.FAILED else row.due_at,
        appointment_id=row.appointment_id,
    )


def retry(
    session: Session, scope: Scope, kind: str, item_id: uuid.UUID, *, actor: User, now: datetime
) -> None:
    """Send a failed message or reminder again at the next sweep; audited; commits."""
    model = KINDS.get(kind)
    if model is None:
        raise NotFound
    start_write(session)
    row = session.scalar(scope.deliveries(model).where(model.id == item_id).with_for_update())
    if row is None:
        raise NotFound
    if row.status is not DeliveryStatus.FAILED:
        raise InvalidInput("Only a failed message can be sent again; this one is not failed.")
    row.status = DeliveryStatus.PENDING
    row.attempts = 0
    row.due_at = now
    row.claim_token = None
    row.claimed_until = None
    audit.record(
        session,
        action=f"{kind}.retry",
        client_id=scope.client_id,
        object_type=kind,
        object_id=row.id,
        fields=("status",),
        actor_id=actor.id,
        actor_role=actor.role.value,
    )
    session.commit()


__all__ = ["KINDS", "Undelivered", "retry", "undelivered"]
