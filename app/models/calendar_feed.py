"""CalendarFeedToken: one private, revocable iCal subscription URL."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, ForeignKeyConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.models.base import CreatedAt, UUIDPrimaryKey, enum_type
from app.models.user import User


class FeedScope(enum.StrEnum):
    #: One schedule the staff member may see (`schedule_id` names it).
    SCHEDULE = "schedule"
    #: Every schedule the staff member may see.
    ALL = "all"
    #: The customer's own appointments at the client.
    CUSTOMER = "customer"


class CalendarFeedToken(UUIDPrimaryKey, CreatedAt, Base):
    """A feed URL's token, stored only as its SHA-256; the token itself is shown once."""

    __tablename__ = "calendar_feed_tokens"
    __table_args__ = (
        # The owner must belong to the client the feed reads from.
        ForeignKeyConstraint(
            ["client_id", "user_id"], ["users.client_id", "users.id"], ondelete="CASCADE"
        ),
        CheckConstraint(
            "(scope = 'schedule') = (schedule_id IS NOT NULL)", name="schedule_matches_scope"
        ),
        CheckConstraint("use_count >= 0", name="use_count_not_negative"),
        Index("ix_calendar_feed_tokens_client_user", "client_id", "user_id"),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id"))
    user_id: Mapped[uuid.UUID]
    #: The owner's label, e.g. "Phone".
    name: Mapped[str] = mapped_column(String(100))
    #: Hex SHA-256 of the token; the token is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[FeedScope] = mapped_column(enum_type(FeedScope, "feed_scope"))
    schedule_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("schedules.id", ondelete="CASCADE")
    )
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    use_count: Mapped[int] = mapped_column(default=0)

    user: Mapped[User] = relationship(overlaps="client")

    def __repr__(self) -> str:
        return f"<CalendarFeedToken {self.id} {self.scope.value}>"
