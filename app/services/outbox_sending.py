"""Sending queued e-mail: each message is rendered when sent, from its template and IDs.

A message about an appointment (`appointment_id` in its context) gets that
appointment's facts (as much as the client lets e-mail show) and its .ics.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.config import get_config
from app.db import utcnow
from app.errors import NotFound
from app.mail import messages
from app.models import Appointment, Client, User
from app.models.delivery import DeliveryStatus
from app.models.outbox import OutboxMessage
from app.scope import Scope
from app.services.delivery import (
    NotHeld,
    Outgoing,
    SendReport,
    Undeliverable,
    deliver_due,
)
from app.services.delivery_claims import Claim
from app.services.reminders_content import appointment_facts, calendar_attachment
from app.services.unit_of_work import start_write

#: Sent and cancelled messages stay this long (what went out, for the administrator and
#: for support), then go: they hold IDs only, but nothing is kept without a reason.
KEEP_DELIVERED = timedelta(days=30)


def send_due_messages(
    session: Session,
    *,
    now: Callable[[], datetime] = utcnow,
    only_ids: list[uuid.UUID] | None = None,
) -> SendReport:
    """Send the queued messages that are due (or only `only_ids`, if still queued)."""
    return deliver_due(session, OutboxMessage, prepare_message, now=now, only_ids=only_ids)


def purge_delivered(session: Session, *, now: datetime) -> int:
    """Delete sent and cancelled messages older than `KEEP_DELIVERED`; commit."""
    start_write(session)
    result = session.execute(
        delete(OutboxMessage)
        .where(
            OutboxMessage.status.in_((DeliveryStatus.SENT, DeliveryStatus.CANCELLED)),
            OutboxMessage.updated_at < now - KEEP_DELIVERED,
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount


def message_id_header(kind: str, row_id: uuid.UUID, version: str = "") -> str:
    """A Message-ID that stays the same for one logical message, so copies are recognisable."""
    host = urlsplit(get_config().base_url).hostname or "localhost"
    suffix = f".{version}" if version else ""
    return f"<{kind}-{row_id}{suffix}@{host}>"


def held_row(session: Session, model: Any, row_id: uuid.UUID, claim: Claim) -> Any:
    """The row if this claim still holds it, else `NotHeld`."""
    row = session.scalar(
        select(model).where(
            model.id == row_id,
            model.claim_token == claim.token,
            model.status == DeliveryStatus.PENDING,
        )
    )
    if row is None:
        raise NotHeld
    return row


def recipient_address(session: Session, user_id: uuid.UUID | None, address: str | None) -> str:
    """The address to send to: the explicit one, else the account's."""
    if address:
        return address
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not user.email:
        raise Undeliverable("no recipient address")
    return user.email


def prepare_message(session: Session, row_id: uuid.UUID, claim: Claim, now: datetime) -> Outgoing:
    """Render a claimed outgoing message."""
    row: OutboxMessage = held_row(session, OutboxMessage, row_id, claim)
    if not messages.template_exists(row.template):
        raise Undeliverable("template missing")
    config = get_config()
    context: dict[str, Any] = {**row.context, "base_url": config.base_url}
    attachments = ()
    client = session.get(Client, row.client_id) if row.client_id else None
    if client is not None:
        context["business"] = client.name
        context["client_slug"] = client.slug
        appointment_id = row.context.get("appointment_id")
        if appointment_id:
            appointment = _appointment(session, client, appointment_id)
            context["appointment"] = appointment_facts(
                session, appointment, client, base_url=config.base_url
            )
            attachments = (calendar_attachment(appointment, client, now=now),)
    rendered = messages.render(row.template, context, attachments)
    message = messages.build(
        rendered,
        to=recipient_address(session, row.to_user_id, row.to_address),
        sender=config.mail.mail_from,
        message_id=message_id_header("message", row.id),
    )
    return Outgoing(message)


def _appointment(session: Session, client: Client, appointment_id: str) -> Appointment:
    try:
        return Scope(client_id=client.id).get_appointment(session, uuid.UUID(str(appointment_id)))
    except (NotFound, ValueError):
        raise Undeliverable("appointment not found") from None
