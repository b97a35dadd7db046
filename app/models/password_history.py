"""Earlier password hashes of a user, so a client can forbid reusing the last N."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow
from app.models.base import UUIDPrimaryKey


class PasswordHistory(UUIDPrimaryKey, Base):
    """A password hash the user had before (bcrypt, as in users.password_hash)."""

    __tablename__ = "password_history"
    __table_args__ = (Index("ix_password_history_user_time", "user_id", "created_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    password_hash: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
