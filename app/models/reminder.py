"""Reminders: one row per appointment and lead time, and the settings that decide them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow
from app.models.base import CreatedAt, UUIDPrimaryKey
from app.models.delivery import Deliverable, DeliveryStatus

#: Lead times when a client has chosen none: a day before, and two hours before.
DEFAULT_LEAD_MINUTES = (24 * 60, 2 * 60)


class Reminder(UUIDPrimaryKey, CreatedAt, Deliverable, Base):
    """The e-mail reminding a customer of one appointment, `lead_minutes` before it."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("appointment_id", "lead_minutes"),
        CheckConstraint("lead_minutes > 0", name="lead_positive"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        # The sweep's look-up: pending rows by due time.
        Index("ix_reminders_status_due", "status", "due_at"),
        Index("ix_reminders_client_status", "client_id", "status"),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    appointment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE")
    )
    lead_minutes: Mapped[int]
    #: The appointment's start this reminder was made for: a moved appointment whose
    #: start no longer matches is never reminded of its old time.
    for_start_at: Mapped[datetime]

    def __repr__(self) -> str:
        return f"<Reminder {self.id} {self.lead_minutes}min {self.status.value}>"


class ReminderSettings(Base):
    """A client's reminder choices (the Reminders settings page); defaults when absent."""

    __tablename__ = "reminder_settings"

    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    #: Comma-separated minutes before the start, e.g. "1440,120"; empty: no reminders.
    lead_minutes: Mapped[str] = mapped_column(String(100), default="1440,120")
    #: E-mail is not a private channel: by default a reminder names only the business,
    #: the service and the time. These add the staff names and the schedule's name.
    include_staff: Mapped[bool] = mapped_column(default=False)
    include_schedule: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ServiceReminderLeads(Base):
    """A service's own lead times, replacing the client's for its appointments."""

    __tablename__ = "service_reminder_leads"

    service_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), primary_key=True
    )
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    #: Comma-separated minutes; empty: no reminders for this service.
    lead_minutes: Mapped[str] = mapped_column(String(100), default="")


class ReminderPreference(Base):
    """A customer's opt-outs, per channel; no row means every channel is wanted."""

    __tablename__ = "reminder_preferences"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    email_opt_out: Mapped[bool] = mapped_column(default=False)
    #: Stored for the day text messages are sent; nothing sends texts yet.
    text_opt_out: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


__all__ = [
    "DEFAULT_LEAD_MINUTES",
    "DeliveryStatus",
    "Reminder",
    "ReminderPreference",
    "ReminderSettings",
    "ServiceReminderLeads",
]
