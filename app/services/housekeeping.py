"""Periodic housekeeping of appointments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Appointment, AppointmentStatus

COMPLETION_REASON = "ended"


def complete_past_appointments(session: Session, now: datetime, *, batch_size: int = 500) -> int:
    """Mark confirmed appointments that ended by `now` as completed; return how many.

    Idempotent: a completed appointment is no longer confirmed, so a second run finds
    nothing. Runs across all clients (a platform task, not a tenant query). On PostgreSQL,
    rows another run is already completing are skipped rather than done twice.
    """
    total = 0
    while True:
        stmt = (
            select(Appointment)
            .where(
                Appointment.status == AppointmentStatus.CONFIRMED,
                Appointment.end_at <= now,
            )
            .order_by(Appointment.end_at)
            .limit(batch_size)
            .with_for_update(skip_locked=True)
        )
        batch = session.scalars(stmt).all()
        for appointment in batch:
            appointment.change_status(AppointmentStatus.COMPLETED, at=now, reason=COMPLETION_REASON)
        session.commit()
        total += len(batch)
        if len(batch) < batch_size:
            return total
