"""Server-side sign-in sessions: what makes sign-out, timeouts and revocation real.

The session cookie carries a random token; the server keeps only its SHA-256
and the session's times, so ending a row ends that session on every request
that follows, whatever the browser still holds.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow
from app.models.base import UUIDPrimaryKey, enum_type
from app.models.login_attempt import MAX_USER_AGENT


class SessionEndReason(enum.StrEnum):
    SIGNED_OUT = "signed_out"
    IDLE = "idle"
    ABSOLUTE = "absolute"
    REVOKED = "revoked"  #: sign out everywhere, password change, deactivation, lockout


class UserSession(UUIDPrimaryKey, Base):
    """One signed-in browser of one user."""

    __tablename__ = "user_sessions"
    __table_args__ = (Index("ix_user_sessions_user_open", "user_id", "ended_at"),)

    #: SHA-256 (hex) of the token in the cookie; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE")
    )
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[SessionEndReason | None] = mapped_column(
        enum_type(SessionEndReason, "session_end_reason")
    )
    ip_address: Mapped[str] = mapped_column(String(45))
    user_agent: Mapped[str] = mapped_column(String(MAX_USER_AGENT))
