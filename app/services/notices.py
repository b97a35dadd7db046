"""Notices: booking and change notices with reminder planning, and the lockout notice.

Called inside the use case's transaction, just before its commit: the reminder
rows and the queued notice commit with the appointment, or vanish with its
rollback. The notice is sent after the commit (see app.services.outbox).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, object_session

from app.models import Appointment, AppointmentStatus, Client, User
from app.services import reminders
from app.services.outbox import enqueue_email
from app.services.reminders_content import local_time

#: The notice for each change (by its audit action); changes not named send none.
CHANGE_TEMPLATES = {
    "appointment.cancel": "appointment_cancelled",
    "appointment.decline": "appointment_declined",
    "appointment.approve": "appointment_confirmed",
    "appointment.change": "appointment_moved",
}


def appointment_booked(session: Session, appointment: Appointment, *, now: datetime) -> None:
    """Plan the new appointment's reminders and queue its confirmation (no commit)."""
    reminders.refresh(session, appointment, now=now, new=True)
    template = (
        "appointment_requested"
        if appointment.status is AppointmentStatus.REQUESTED
        else "appointment_booked"
    )
    _notify(session, appointment, template)


def appointment_changed(
    session: Session, appointment: Appointment, *, action: str, now: datetime
) -> None:
    """Re-plan the appointment's reminders and queue the notice of `action` (no commit)."""
    reminders.refresh(session, appointment, now=now)
    template = CHANGE_TEMPLATES.get(action)
    if template is not None:
        _notify(session, appointment, template)


def _notify(session: Session, appointment: Appointment, template: str) -> None:
    enqueue_email(
        session,
        client_id=appointment.client_id,
        template=template,
        context={"appointment_id": appointment.id, "status": appointment.status.value},
        to_user_id=appointment.customer_id,
        kind="appointment",
    )


def account_locked(user: User, *, locked_until: datetime | None) -> None:
    """Queue the notice that `user`'s account just locked, in their session (no commit).

    It says when the lock ends and where to sign in; no address, attempt count or
    password detail, which the user does not need and a mailbox reader should not see.
    """
    session = object_session(user)
    if session is None:
        raise RuntimeError("the user must belong to a session")
    client = session.get(Client, user.client_id) if user.client_id else None
    zone = client.timezone if client else "UTC"
    enqueue_email(
        session,
        client_id=user.client_id,
        template="account_locked",
        context={"locked_until": local_time(locked_until, zone) if locked_until else None},
        to_user_id=user.id,
        kind="lockout",
    )
