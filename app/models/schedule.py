"""Schedule: a bookable calendar of a client, with its opening hours and exceptions."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    SmallInteger,
    String,
    Table,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.models.base import CreatedAt, UUIDPrimaryKey
from app.models.service import Service
from app.models.user import User

#: Upper bound on buffers; lets availability queries bound their scans.
MAX_BUFFER_MINUTES = 24 * 60

#: Which services can be booked on which schedule.
schedule_services = Table(
    "schedule_services",
    Base.metadata,
    Column("schedule_id", ForeignKey("schedules.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
)

#: Which staff members work on which schedule.
schedule_staff = Table(
    "schedule_staff",
    Base.metadata,
    Column("schedule_id", ForeignKey("schedules.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Schedule(UUIDPrimaryKey, CreatedAt, Base):
    """One calendar (a person, a room, a class) of a client."""

    __tablename__ = "schedules"
    __table_args__ = (
        UniqueConstraint("client_id", "slug"),
        UniqueConstraint("client_id", "id"),
        CheckConstraint("slot_step_minutes > 0", name="slot_step_positive"),
        CheckConstraint(
            f"buffer_before_minutes BETWEEN 0 AND {MAX_BUFFER_MINUTES}"
            f" AND buffer_after_minutes BETWEEN 0 AND {MAX_BUFFER_MINUTES}",
            name="buffers_in_range",
        ),
        CheckConstraint("min_notice_minutes >= 0", name="min_notice_not_negative"),
        CheckConstraint("horizon_days > 0", name="horizon_positive"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("daily_cap IS NULL OR daily_cap >= 1", name="daily_cap_positive"),
        CheckConstraint("weekly_cap IS NULL OR weekly_cap >= 1", name="weekly_cap_positive"),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(63))
    #: IANA zone name in which the weekly hours and date overrides are written.
    timezone: Mapped[str] = mapped_column(String(64))
    #: Candidate start times are this many minutes apart.
    slot_step_minutes: Mapped[int] = mapped_column(default=15)
    #: Free time kept before / after each appointment (copied onto appointments).
    buffer_before_minutes: Mapped[int] = mapped_column(default=0)
    buffer_after_minutes: Mapped[int] = mapped_column(default=0)
    #: A slot must start at least this many minutes after the booking is made.
    min_notice_minutes: Mapped[int] = mapped_column(default=120)
    #: How many days ahead bookings are accepted.
    horizon_days: Mapped[int] = mapped_column(default=60)
    #: Appointments allowed at the same time (1 = one-to-one, N = a class of N).
    capacity: Mapped[int] = mapped_column(default=1)
    #: Most appointments per local day / ISO week; NULL = no cap.
    daily_cap: Mapped[int | None]
    weekly_cap: Mapped[int | None]
    #: New bookings start as "requested" and wait for staff to confirm.
    approval_required: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    #: Bumped in the same transaction as any change to this schedule's settings or
    #: appointments: the key under which computed availability may be cached.
    availability_version: Mapped[int] = mapped_column(default=1)
    #: Bumped in the same transaction as any change to what a booking is checked
    #: against (settings, hours, overrides, closures, services offered and their
    #: lengths), never by appointments: the key of the booking rules each process keeps.
    rules_version: Mapped[int] = mapped_column(default=1, server_default="1")

    weekly_hours: Mapped[list[WeeklyHours]] = relationship(
        cascade="all, delete-orphan",
        order_by="(WeeklyHours.weekday, WeeklyHours.start_time)",
    )
    date_overrides: Mapped[list[DateOverride]] = relationship(
        cascade="all, delete-orphan",
        order_by="(DateOverride.date, DateOverride.start_time)",
    )
    closures: Mapped[list[Closure]] = relationship(
        cascade="all, delete-orphan", order_by="Closure.first_date"
    )
    services: Mapped[list[Service]] = relationship(secondary=schedule_services)
    staff: Mapped[list[User]] = relationship(secondary=schedule_staff)

    def __repr__(self) -> str:
        return f"<Schedule {self.id} {self.slug}>"


class WeeklyHours(UUIDPrimaryKey, Base):
    """One opening interval on one weekday, in the schedule's zone."""

    __tablename__ = "weekly_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_in_range"),
        CheckConstraint("start_time < end_time", name="starts_before_end"),
    )

    schedule_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("schedules.id", ondelete="CASCADE"), index=True
    )
    #: 0 = Monday ... 6 = Sunday (as `date.weekday()`).
    weekday: Mapped[int] = mapped_column(SmallInteger)
    start_time: Mapped[dt.time] = mapped_column(Time)
    end_time: Mapped[dt.time] = mapped_column(Time)


class DateOverride(UUIDPrimaryKey, Base):
    """Replaces the weekly hours on one date.

    A row without times closes the date; several rows with times give several intervals.
    """

    __tablename__ = "date_overrides"
    __table_args__ = (
        CheckConstraint(
            "(start_time IS NULL AND end_time IS NULL)"
            " OR (start_time IS NOT NULL AND end_time IS NOT NULL AND start_time < end_time)",
            name="closed_or_interval",
        ),
    )

    schedule_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("schedules.id", ondelete="CASCADE"), index=True
    )
    #: Local date in the schedule's zone.
    date: Mapped[dt.date] = mapped_column(Date)
    start_time: Mapped[dt.time | None] = mapped_column(Time)
    end_time: Mapped[dt.time | None] = mapped_column(Time)

    @property
    def is_closed(self) -> bool:
        """True when this row closes the whole date."""
        return self.start_time is None


class Closure(UUIDPrimaryKey, Base):
    """No bookings from `first_date` to `last_date` inclusive (holidays, leave)."""

    __tablename__ = "closures"
    __table_args__ = (CheckConstraint("first_date <= last_date", name="dates_ordered"),)

    schedule_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("schedules.id", ondelete="CASCADE"), index=True
    )
    first_date: Mapped[dt.date] = mapped_column(Date)
    last_date: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")
