"""Client: the business (tenant) that publishes schedules."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.base import CreatedAt, UUIDPrimaryKey, enum_type
from scheduling.ical import Privacy

DEFAULT_CUTOFF_MINUTES = 24 * 60
#: Retention bounds in days (see app.services.retention); appointments default to "keep".
APPOINTMENT_RETENTION_DAYS = (30, 3650)
LOGIN_LOG_RETENTION_DAYS = (30, 3650)
DEFAULT_LOGIN_LOG_RETENTION_DAYS = 365


class Client(UUIDPrimaryKey, CreatedAt, Base):
    """A tenant. Every other tenant row carries its `client_id`."""

    __tablename__ = "clients"
    __table_args__ = (
        CheckConstraint("cancel_cutoff_minutes >= 0", name="cancel_cutoff_not_negative"),
        CheckConstraint("reschedule_cutoff_minutes >= 0", name="reschedule_cutoff_not_negative"),
        CheckConstraint(
            "appointment_retention_days IS NULL OR appointment_retention_days"
            f" BETWEEN {APPOINTMENT_RETENTION_DAYS[0]} AND {APPOINTMENT_RETENTION_DAYS[1]}",
            name="appointment_retention_in_range",
        ),
        CheckConstraint(
            "login_log_retention_days"
            f" BETWEEN {LOGIN_LOG_RETENTION_DAYS[0]} AND {LOGIN_LOG_RETENTION_DAYS[1]}",
            name="login_log_retention_in_range",
        ),
    )

    #: Short name used in URLs and on the command line.
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: IANA zone name (e.g. Europe/London): the zone the client's staff think in.
    timezone: Mapped[str] = mapped_column(String(64))
    #: Customers may cancel until this many minutes before the start.
    cancel_cutoff_minutes: Mapped[int] = mapped_column(default=DEFAULT_CUTOFF_MINUTES)
    #: Customers may reschedule until this many minutes before the start.
    reschedule_cutoff_minutes: Mapped[int] = mapped_column(default=DEFAULT_CUTOFF_MINUTES)
    #: How much of an appointment staff calendar feeds show; names only by an admin's choice.
    feed_privacy: Mapped[Privacy] = mapped_column(
        enum_type(Privacy, "feed_privacy"), default=Privacy.BUSY_ONLY
    )
    #: Past appointments (and their notes) are deleted this many days after they end;
    #: NULL keeps them while the customer's account is active.
    appointment_retention_days: Mapped[int | None]
    #: Login-log entries are deleted this many days after the attempt.
    login_log_retention_days: Mapped[int] = mapped_column(default=DEFAULT_LOGIN_LOG_RETENTION_DAYS)
    #: When the account was closed (app.services.client_closing): its pages answer 404,
    #: nobody of it signs in, its feeds are revoked. NULL while it is open.
    closed_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<Client {self.id} {self.slug}>"
