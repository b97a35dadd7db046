"""Appointment: a customer's booking of a service on a schedule, and its status history."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
)
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from app.crypto.types import EncryptedText
from app.db import Base, utcnow
from app.models.base import CreatedAt, UUIDPrimaryKey, enum_type
from app.models.schedule import MAX_BUFFER_MINUTES, Schedule
from app.models.service import Service
from app.models.user import User
from scheduling.status import AppointmentStatus

#: Statuses whose appointments occupy time on their schedule.
BLOCKING_STATUSES = frozenset(AppointmentStatus) - {AppointmentStatus.CANCELLED}


class Appointment(UUIDPrimaryKey, CreatedAt, Base):
    """One booking. Times are aware UTC; the schedule's zone is applied only for display."""

    __tablename__ = "appointments"
    __table_args__ = (
        # Composite keys: the schedule, service and customer must belong to the same client
        # as the appointment, whatever the code that wrote it got wrong.
        ForeignKeyConstraint(["client_id", "schedule_id"], ["schedules.client_id", "schedules.id"]),
        ForeignKeyConstraint(["client_id", "service_id"], ["services.client_id", "services.id"]),
        ForeignKeyConstraint(["client_id", "customer_id"], ["users.client_id", "users.id"]),
        CheckConstraint("start_at < end_at", name="starts_before_end"),
        CheckConstraint(
            f"buffer_before_minutes BETWEEN 0 AND {MAX_BUFFER_MINUTES}"
            f" AND buffer_after_minutes BETWEEN 0 AND {MAX_BUFFER_MINUTES}",
            name="buffers_in_range",
        ),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        Index("ix_appointments_schedule_start", "schedule_id", "start_at"),
        Index("ix_appointments_schedule_status_start", "schedule_id", "status", "start_at"),
        Index("ix_appointments_customer_start", "client_id", "customer_id", "start_at"),
        # A calendar feed's poll asks "has anything of this client changed?": an index look-up.
        Index("ix_appointments_client_updated", "client_id", "updated_at"),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id"))
    schedule_id: Mapped[uuid.UUID]
    service_id: Mapped[uuid.UUID]
    customer_id: Mapped[uuid.UUID]
    start_at: Mapped[datetime]
    end_at: Mapped[datetime]
    #: The schedule's buffers when this was booked: later changes to the schedule
    #: do not move the free time kept around existing appointments.
    buffer_before_minutes: Mapped[int] = mapped_column(default=0)
    buffer_after_minutes: Mapped[int] = mapped_column(default=0)
    status: Mapped[AppointmentStatus] = mapped_column(enum_type(AppointmentStatus, "status"))
    #: Private free text from the customer; encrypted at rest (app.crypto).
    notes: Mapped[str | None] = mapped_column(EncryptedText())
    #: Private; encrypted at rest.
    contact_phone: Mapped[str | None] = mapped_column(
        EncryptedText(50, sqlite_varchar=True)
    )
    #: Free text about the customer's circumstances; encrypted at rest.
    cancel_reason: Mapped[str | None] = mapped_column(EncryptedText())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    #: iCalendar SEQUENCE: bumped whenever a change must reach subscribed calendars.
    sequence: Mapped[int] = mapped_column(default=0)

    # Each relationship also writes client_id through its composite key; they must agree.
    schedule: Mapped[Schedule] = relationship(overlaps="service,customer")
    service: Mapped[Service] = relationship(overlaps="schedule,customer")
    customer: Mapped[User] = relationship(overlaps="schedule,service")
    status_changes: WriteOnlyMapped[AppointmentStatusChange] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="AppointmentStatusChange.changed_at",
    )

    def change_status(
        self,
        to_status: AppointmentStatus,
        *,
        at: datetime,
        by: uuid.UUID | None = None,
        reason: str | None = None,
    ) -> AppointmentStatusChange:
        """Move to `to_status` and record the change in the history."""
        change = AppointmentStatusChange(
            from_status=self.status,
            to_status=to_status,
            changed_at=at,
            changed_by=by,
            reason=reason,
        )
        self.status_changes.add(change)
        self.status = to_status
        self.updated_at = at
        return change

    def record_creation(self, *, at: datetime, by: uuid.UUID | None) -> AppointmentStatusChange:
        """Start the history with the status the appointment was created in."""
        change = AppointmentStatusChange(
            from_status=None, to_status=self.status, changed_at=at, changed_by=by
        )
        self.status_changes.add(change)
        return change

    def __repr__(self) -> str:
        return f"<Appointment {self.id} {self.status.value}>"


class AppointmentStatusChange(UUIDPrimaryKey, Base):
    """One step of an appointment's status history (append-only)."""

    __tablename__ = "appointment_status_changes"
    __table_args__ = (Index("ix_status_changes_appointment", "appointment_id", "changed_at"),)

    appointment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE")
    )
    #: NULL for the first status of a new appointment.
    from_status: Mapped[AppointmentStatus | None] = mapped_column(
        enum_type(AppointmentStatus, "from_status")
    )
    to_status: Mapped[AppointmentStatus] = mapped_column(enum_type(AppointmentStatus, "to_status"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The user who made the change; NULL when the system did (e.g. housekeeping).
    changed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    #: Often the cancel reason again: encrypted at rest with the appointment's client key.
    reason: Mapped[str | None] = mapped_column(EncryptedText())
