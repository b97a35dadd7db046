"""Sending due reminders: each is checked against its appointment just before sending.

A reminder is sent only if its appointment is still confirmed, still starts when
the reminder was planned for, has not started yet, its lead time is still set,
and the customer has not opted out of e-mail reminders. Otherwise it is
cancelled, with the reason, and nothing is sent.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.config import get_config
from app.db import utcnow
from app.mail import messages
from app.models import Appointment, Client, Schedule
from app.models.delivery import DeliveryStatus
from app.models.reminder import Reminder
from app.services.delivery import Outgoing, SendReport, Skip, Undeliverable, deliver_due
from app.services.delivery_claims import Claim
from app.services.outbox_sending import held_row, message_id_header
from app.services.reminders import should_remind
from app.services.reminders_content import appointment_facts, calendar_attachment
from app.services.reminders_settings import leads_for, wants_email

TEMPLATE = "reminder"


def send_due_reminders(
    session: Session,
    *,
    now: Callable[[], datetime] = utcnow,
    only_ids: list[uuid.UUID] | None = None,
) -> SendReport:
    """Claim the reminders that are due and send each one once."""
    return deliver_due(session, Reminder, prepare_reminder, now=now, only_ids=only_ids)


def prepare_reminder(session: Session, row_id: uuid.UUID, claim: Claim, now: datetime) -> Outgoing:
    """Check a claimed reminder against its appointment and build its message."""
    found = session.execute(
        select(Reminder, Appointment)
        .join(
            Appointment,
            (Appointment.id == Reminder.appointment_id)
            & (Appointment.client_id == Reminder.client_id),
        )
        .where(
            Reminder.id == row_id,
            Reminder.claim_token == claim.token,
            Reminder.status == DeliveryStatus.PENDING,
        )
        # Everything the message shows, in as few round trips as possible.
        .options(
            joinedload(Appointment.service),
            joinedload(Appointment.customer),
            joinedload(Appointment.schedule).selectinload(Schedule.staff),
        )
    ).one_or_none()
    if found is None:
        held_row(session, Reminder, row_id, claim)  # NotHeld, unless the appointment is gone
        raise Skip("appointment gone")
    reminder, appointment = found
    _check_still_wanted(session, reminder, appointment, now)
    client = session.get_one(Client, appointment.client_id)
    customer = appointment.customer
    if not customer.email:
        raise Undeliverable("no recipient address")
    config = get_config()
    context = {
        "appointment": appointment_facts(session, appointment, client, base_url=config.base_url),
        "lead_minutes": reminder.lead_minutes,
        "base_url": config.base_url,
        "business": client.name,
    }
    rendered = messages.render(
        TEMPLATE, context, (calendar_attachment(appointment, client, now=now),)
    )
    message = messages.build(
        rendered,
        to=customer.email,
        sender=config.mail.mail_from,
        # One ID per reminder and planned start: a re-planned reminder is a new message.
        message_id=message_id_header(
            "reminder", reminder.id, f"{reminder.for_start_at:%Y%m%dT%H%M%SZ}"
        ),
    )
    return Outgoing(message, not_after=appointment.start_at)


def _check_still_wanted(
    session: Session, reminder: Reminder, appointment: Appointment, now: datetime
) -> None:
    if not should_remind(appointment):
        raise Skip(f"appointment {appointment.status.label}")
    if appointment.start_at != reminder.for_start_at:
        raise Skip("appointment moved")
    if appointment.start_at <= now:
        if reminder.last_error:
            # Earlier attempts failed: it must show as failed, not vanish as cancelled.
            raise Undeliverable("appointment started before it could be sent")
        raise Skip("appointment already started")
    if reminder.lead_minutes not in leads_for(session, appointment):
        raise Skip("lead time no longer set")
    if not wants_email(session, appointment.customer_id):
        raise Skip("customer opted out of e-mail reminders")
