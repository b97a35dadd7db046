"""Reminder settings: a client's lead times and detail, a service's own lead times,
and a customer's opt-outs. Defaults apply until someone saves a choice."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInput
from app.models import Appointment
from app.models.reminder import (
    DEFAULT_LEAD_MINUTES,
    ReminderPreference,
    ReminderSettings,
    ServiceReminderLeads,
)
from app.services import audit
from app.services.unit_of_work import start_write

MAX_LEADS = 3
MIN_LEAD_MINUTES = 10
MAX_LEAD_MINUTES = 14 * 24 * 60
_LEAD = re.compile(r"(\d{1,5})\s*([hm]?)")


def parse_leads(text: str) -> tuple[int, ...]:
    """Lead times typed as "24h, 2h" (bare numbers are hours, "30m" minutes), in minutes."""
    minutes: list[int] = []
    for part in (p.strip().lower() for p in (text or "").split(",")):
        if not part:
            continue
        match = _LEAD.fullmatch(part)
        if match is None:
            raise InvalidInput(
                "Write lead times like “24h, 2h” (hours) or “30m” (minutes), separated by commas."
            )
        number, unit = int(match[1]), match[2] or "h"
        minutes.append(number * 60 if unit == "h" else number)
    if len(minutes) > MAX_LEADS:
        raise InvalidInput(f"At most {MAX_LEADS} reminders per appointment.")
    if any(not MIN_LEAD_MINUTES <= m <= MAX_LEAD_MINUTES for m in minutes):
        raise InvalidInput("Each reminder must come between 10 minutes and 14 days before.")
    return tuple(sorted(set(minutes), reverse=True))


def format_leads(minutes: tuple[int, ...]) -> str:
    """Minutes as the settings form shows them: "24h, 2h", "90m"."""
    return ", ".join(f"{m // 60}h" if m % 60 == 0 else f"{m}m" for m in minutes)


def _stored(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part.strip())


def _to_store(minutes: tuple[int, ...]) -> str:
    return ",".join(str(m) for m in minutes)


def client_settings(session: Session, client_id: uuid.UUID) -> ReminderSettings:
    """The client's saved settings, or an unsaved row holding the defaults."""
    row = session.get(ReminderSettings, client_id)
    if row is None:
        row = ReminderSettings(
            client_id=client_id,
            lead_minutes=_to_store(DEFAULT_LEAD_MINUTES),
            include_staff=False,
            include_schedule=False,
        )
    return row


def client_leads(session: Session, client_id: uuid.UUID) -> tuple[int, ...]:
    """The client's lead times in minutes (the defaults when never set)."""
    return _stored(client_settings(session, client_id).lead_minutes)


def service_leads(session: Session, service_id: uuid.UUID) -> tuple[int, ...] | None:
    """A service's own lead times, or None when it follows the client's."""
    row = session.get(ServiceReminderLeads, service_id)
    return None if row is None else _stored(row.lead_minutes)


def leads_for(session: Session, appointment: Appointment) -> tuple[int, ...]:
    """The lead times that apply to `appointment`: its service's, else its client's.

    One round trip for both settings: a booking asks under its schedule's lock.
    """
    own = select(ServiceReminderLeads.lead_minutes).where(
        ServiceReminderLeads.service_id == appointment.service_id
    )
    client = select(ReminderSettings.lead_minutes).where(
        ReminderSettings.client_id == appointment.client_id
    )
    own_text, client_text = session.execute(
        select(own.scalar_subquery(), client.scalar_subquery())
    ).one()
    if own_text is not None:
        return _stored(own_text)
    return DEFAULT_LEAD_MINUTES if client_text is None else _stored(client_text)


def wants_email(session: Session, user_id: uuid.UUID) -> bool:
    """False when the customer opted out of e-mail reminders."""
    row = session.get(ReminderPreference, user_id)
    return row is None or not row.email_opt_out


def preference(session: Session, user_id: uuid.UUID) -> ReminderPreference:
    """The customer's opt-outs (an unsaved row of defaults when never set)."""
    return session.get(ReminderPreference, user_id) or ReminderPreference(
        user_id=user_id, email_opt_out=False, text_opt_out=False
    )


def save_client_settings(
    session: Session,
    client_id: uuid.UUID,
    *,
    leads_text: str,
    include_staff: bool,
    include_schedule: bool,
) -> ReminderSettings:
    """Validate and save the client's reminder settings, audited, and commit."""
    leads = parse_leads(leads_text)
    start_write(session)
    row = session.get(ReminderSettings, client_id) or ReminderSettings(client_id=client_id)
    session.add(row)
    row.lead_minutes = _to_store(leads)
    row.include_staff = include_staff
    row.include_schedule = include_schedule
    audit.record(
        session,
        action="settings.change",
        client_id=client_id,
        object_type="reminder_settings",
        object_id=client_id,
        fields=("lead_minutes", "include_staff", "include_schedule"),
    )
    session.commit()
    return row


def save_service_leads(
    session: Session, client_id: uuid.UUID, service_id: uuid.UUID, *, leads_text: str | None
) -> None:
    """Give a service its own lead times (None: follow the client's), audited, and commit."""
    leads = None if leads_text is None else parse_leads(leads_text)
    start_write(session)
    row = session.get(ServiceReminderLeads, service_id)
    if leads is None:
        if row is not None:
            session.delete(row)
    else:
        row = row or ServiceReminderLeads(service_id=service_id, client_id=client_id)
        session.add(row)
        row.lead_minutes = _to_store(leads)
    audit.record(
        session,
        action="settings.change",
        client_id=client_id,
        object_type="service",
        object_id=service_id,
        fields=("reminder_lead_minutes",),
    )
    session.commit()


def save_preference(
    session: Session, user_id: uuid.UUID, *, email_opt_out: bool, text_opt_out: bool
) -> ReminderPreference:
    """Save a customer's reminder opt-outs and commit."""
    start_write(session)
    row = session.get(ReminderPreference, user_id) or ReminderPreference(user_id=user_id)
    session.add(row)
    row.email_opt_out = email_opt_out
    row.text_opt_out = text_opt_out
    session.commit()
    return row
