"""Single-use recovery codes: a way in when the authenticator app is lost.

One row per code rather than a list in a column on the user: using a code is
then one row update, the rows say which codes were used and when, and a
unique constraint keeps a user's hashes distinct.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.base import CreatedAt, UUIDPrimaryKey


class RecoveryCode(UUIDPrimaryKey, CreatedAt, Base):
    """One recovery code of one user, stored hashed (see auth.totp)."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    #: The unique constraint's index (user_id first) serves look-ups by user.
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: Hex HMAC-SHA256 of the code under a key derived from the pepper; never the code.
    code_hash: Mapped[str] = mapped_column(String(64))
    #: Set when the code signed someone in; a used code never works again.
    used_at: Mapped[datetime | None]
