"""Planning reminders: one row per appointment and lead time, kept in step with it.

`refresh` runs inside the use case that books or changes an appointment (same
transaction, under the schedule's lock), so the rows always describe the
appointment as committed:

- a confirmed appointment gets one pending row per lead time, due `lead` before
  its start; a lead whose moment has already passed (booked an hour ahead, say)
  is recorded as skipped and never sent;
- a moved appointment's rows are re-planned for the new start (even one already
  sent for the old time), so it is reminded at its new time only;
- a cancelled (or not yet confirmed) appointment's pending rows are cancelled.

The sender checks the appointment again before sending, so a row that raced
with a change is dropped rather than sent for a time that no longer holds.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Appointment, AppointmentStatus
from app.models.delivery import DeliveryStatus
from app.models.reminder import Reminder
from app.services.reminders_settings import leads_for

#: Why a row was cancelled, shown to administrators.
CANCELLED_APPOINTMENT = "appointment cancelled"
NOT_CONFIRMED = "appointment not confirmed"
LEAD_REMOVED = "lead time no longer set"


def should_remind(appointment: Appointment) -> bool:
    """Only confirmed appointments are reminded (a request may still be declined)."""
    return appointment.status is AppointmentStatus.CONFIRMED


def refresh(
    session: Session, appointment: Appointment, *, now: datetime, new: bool = False
) -> None:
    """Bring the appointment's reminder rows in line with it (no commit).

    `new` says the appointment was created in this transaction, so it has no rows yet
    (one query fewer under the booking's lock), and may still be unflushed: its rows
    are then written with it, in the caller's one flush at the commit.
    """
    if new:
        rows = {}
    else:
        session.flush()
        rows = {
            row.lead_minutes: row
            for row in session.scalars(
                select(Reminder).where(Reminder.appointment_id == appointment.id)
            )
        }
    with session.no_autoflush:  # the lead times do not depend on anything unflushed
        wanted = leads_for(session, appointment) if should_remind(appointment) else ()
    for lead in wanted:
        row = rows.pop(lead, None)
        if row is None:
            row = Reminder(
                client_id=appointment.client_id, appointment_id=appointment.id, lead_minutes=lead
            )
            session.add(row)
        _plan(row, appointment.start_at, now)
    reason = _reason_for_dropping(appointment)
    for row in rows.values():
        if row.status is DeliveryStatus.PENDING:
            _stop(row, DeliveryStatus.CANCELLED, reason)


def _plan(row: Reminder, start: datetime, now: datetime) -> None:
    if row.for_start_at == start and row.status is not DeliveryStatus.CANCELLED:
        # Planned for this very start already: a sent one stays sent, a failed one
        # stays visible, a pending one keeps its attempts and any retry time.
        return
    due = start - timedelta(minutes=row.lead_minutes)
    row.for_start_at = start
    row.due_at = due
    row.attempts = 0
    row.sent_at = None
    row.claim_token = None
    row.claimed_until = None
    if due > now:
        row.status, row.last_error = DeliveryStatus.PENDING, None
    else:
        row.status, row.last_error = DeliveryStatus.SKIPPED, "booked after its moment"


def _stop(row: Reminder, status: DeliveryStatus, reason: str) -> None:
    row.status = status
    row.last_error = reason
    row.claim_token = None
    row.claimed_until = None


def _reason_for_dropping(appointment: Appointment) -> str:
    if appointment.status is AppointmentStatus.CANCELLED:
        return CANCELLED_APPOINTMENT
    if not should_remind(appointment):
        return NOT_CONFIRMED
    return LEAD_REMOVED
