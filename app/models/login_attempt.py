"""The login log: every sign-in attempt, whatever its outcome. Never the password."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow
from app.models.base import UUIDPrimaryKey, enum_type

#: Enough of a user agent to recognise a browser; the rest is noise (and unbounded).
MAX_USER_AGENT = 300


class LoginOutcome(enum.StrEnum):
    SUCCESS = "success"
    WRONG_PASSWORD = "wrong_password"  # noqa: S105 (an outcome, not a password)
    UNKNOWN_ACCOUNT = "unknown_account"
    LOCKED = "locked"
    EXPIRED_PASSWORD = "expired_password"  # noqa: S105 (an outcome, not a password)
    MFA_FAILED = "mfa_failed"
    INACTIVE = "inactive"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class LoginAttempt(UUIDPrimaryKey, Base):
    """One attempt to sign in to a client (or to the platform when client_id is NULL)."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_client_time", "client_id", "attempted_at"),)

    client_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE")
    )
    #: The account the address belongs to; NULL when no account has that address.
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    outcome: Mapped[LoginOutcome] = mapped_column(enum_type(LoginOutcome, "login_outcome"))
    #: As seen after honouring the configured number of trusted proxies.
    ip_address: Mapped[str] = mapped_column(String(45))
    user_agent: Mapped[str] = mapped_column(String(MAX_USER_AGENT))
