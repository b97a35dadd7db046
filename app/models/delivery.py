"""Columns shared by rows that a worker claims and delivers: outgoing messages, reminders."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import utcnow
from app.models.base import enum_type


class DeliveryStatus(enum.StrEnum):
    #: Waiting for `due_at`, or for a retry after a failed attempt.
    PENDING = "pending"
    SENT = "sent"
    #: Every attempt failed; an administrator sees it and may retry it.
    FAILED = "failed"
    #: Not to be sent any more (cancelled appointment, moved time, customer opted out).
    CANCELLED = "cancelled"
    #: Its time had passed when it was created (booked after the reminder's moment).
    SKIPPED = "skipped"


class Deliverable:
    """A row claimed by one worker at a time: a lease that expires if the worker dies."""

    status: Mapped[DeliveryStatus] = mapped_column(
        enum_type(DeliveryStatus, "delivery_status"), default=DeliveryStatus.PENDING
    )
    #: The earliest moment to (re)try sending.
    due_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Attempts started so far, including one whose worker crashed.
    attempts: Mapped[int] = mapped_column(default=0)
    #: The claim of the worker sending it now; another may claim it once this has passed.
    claimed_until: Mapped[datetime | None]
    #: Identifies the claim, so only the claiming worker records the outcome.
    claim_token: Mapped[uuid.UUID | None]
    sent_at: Mapped[datetime | None]
    #: The kind of the last error (an exception class or SMTP code), never a private field.
    last_error: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
