"""The appointments a scope may see, as plain rows (the customer API lists its own)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.models import Appointment, AppointmentStatus, Schedule, Service
from app.scope import Scope

#: A customer has a handful; the cap bounds the answer whatever the data.
MAX_LISTED = 500


@dataclass(frozen=True)
class AppointmentRow:
    id: uuid.UUID
    start: datetime
    end: datetime
    status: AppointmentStatus
    service_id: uuid.UUID
    service_name: str
    schedule_id: uuid.UUID
    schedule_name: str


def appointments_in(session: Session, scope: Scope) -> list[AppointmentRow]:
    """The scope's latest `MAX_LISTED` appointments (a customer's own), oldest first."""
    stmt = (
        scope.appointments()
        .join(Service, Service.id == Appointment.service_id)
        .join(Schedule, Schedule.id == Appointment.schedule_id)
        .with_only_columns(
            Appointment.id,
            Appointment.start_at,
            Appointment.end_at,
            Appointment.status,
            Service.id,
            Service.name,
            Schedule.id,
            Schedule.name,
        )
        .order_by(Appointment.start_at.desc(), Appointment.id)
        .limit(MAX_LISTED)
    )
    return [AppointmentRow(*row) for row in reversed(session.execute(stmt).all())]
