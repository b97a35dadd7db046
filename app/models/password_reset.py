"""PasswordResetLink: one self-service password-reset link sent by e-mail."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, ForeignKeyConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.base import CreatedAt, UUIDPrimaryKey


class PasswordResetLink(UUIDPrimaryKey, CreatedAt, Base):
    """An issued link, known only by its token's SHA-256; usable once, until `expires_at`."""

    __tablename__ = "password_reset_links"
    __table_args__ = (
        # The person must belong to the client whose sign-in page issued the link.
        ForeignKeyConstraint(
            ["client_id", "user_id"], ["users.client_id", "users.id"], ondelete="CASCADE"
        ),
        Index("ix_password_reset_links_user", "user_id"),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID]
    #: Hex SHA-256 of the link's token; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    #: Set when the password was reset through it; it never works again.
    used_at: Mapped[datetime | None]
    #: Set when a newer link was asked for, or another link of the person was used.
    voided_at: Mapped[datetime | None]

    def usable(self, now: datetime) -> bool:
        """True while the link may still reset the password."""
        return self.used_at is None and self.voided_at is None and now < self.expires_at

    def __repr__(self) -> str:
        return f"<PasswordResetLink {self.id}>"
