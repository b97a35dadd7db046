"""User: a customer, staff member or administrator of a client, or a platform operator."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.crypto.types import EncryptedText
from app.db import Base, utcnow
from app.models.base import CreatedAt, UUIDPrimaryKey, enum_type
from app.models.client import Client


class Role(enum.StrEnum):
    CUSTOMER = "customer"
    STAFF = "staff"
    CLIENT_ADMIN = "client_admin"
    SUPPORT = "support"
    PLATFORM_ADMIN = "platform_admin"

    @property
    def is_platform(self) -> bool:
        """Platform roles belong to no client."""
        return self in PLATFORM_ROLES


PLATFORM_ROLES = frozenset({Role.SUPPORT, Role.PLATFORM_ADMIN})


class User(UUIDPrimaryKey, CreatedAt, Base):
    """Anyone who signs in. Client roles belong to one client; platform roles to none."""

    __tablename__ = "users"
    __table_args__ = (
        # One account per e-mail address per client; platform accounts are unique among
        # themselves (NULL client_id never collides in a UNIQUE constraint, hence the index).
        UniqueConstraint("client_id", "email_lookup"),
        Index(
            "uq_users_platform_email_lookup",
            "email_lookup",
            unique=True,
            sqlite_where=text("client_id IS NULL"),
            postgresql_where=text("client_id IS NULL"),
        ),
        # Target of the composite foreign keys that keep appointments inside one client.
        UniqueConstraint("client_id", "id"),
        CheckConstraint(
            "(role IN ('support', 'platform_admin')) = (client_id IS NULL)",
            name="client_matches_role",
        ),
        CheckConstraint("session_version >= 1", name="session_version_positive"),
        CheckConstraint("failed_attempts >= 0", name="failed_attempts_not_negative"),
        CheckConstraint(
            "totp_enabled_at IS NULL OR totp_secret IS NOT NULL", name="second_factor_has_secret"
        ),
    )

    #: NULL for platform roles (support, platform_admin).
    client_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("clients.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role, "user_role"))
    #: The address as entered; encrypted at rest (app.crypto), so never compared in SQL.
    email: Mapped[str] = mapped_column(EncryptedText(320))
    #: Keyed blind index of the normalised address (see app.blind_index): look-ups use this.
    email_lookup: Mapped[str] = mapped_column(String(64))
    #: Encrypted at rest: sort and search names in Python after a scoped query.
    display_name: Mapped[str] = mapped_column(EncryptedText(200, sqlite_varchar=True))
    phone: Mapped[str | None] = mapped_column(EncryptedText(50, sqlite_varchar=True))
    #: bcrypt over a peppered HMAC of the password (see auth.passwords).
    password_hash: Mapped[str] = mapped_column(String(100))
    is_active: Mapped[bool] = mapped_column(default=True)
    #: Part of every session cookie; bumping it signs the user out everywhere.
    session_version: Mapped[int] = mapped_column(default=1)
    #: When the current password was set (for a client's maximum password age).
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: An administrator asked for a new password at the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    #: Staff only: sees the schedules they work on (`schedule_staff`), not all of them.
    sees_own_schedules_only: Mapped[bool] = mapped_column(default=False)
    #: Consecutive failed sign-ins since `first_failure_at` (see auth.lockout).
    failed_attempts: Mapped[int] = mapped_column(default=0)
    first_failure_at: Mapped[datetime | None]
    locked_at: Mapped[datetime | None]
    #: NULL while `locked_at` is set: locked until an administrator unlocks.
    locked_until: Mapped[datetime | None]
    #: Base32 TOTP secret of the confirmed authenticator app (see auth.totp); encrypted.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText(200))
    #: A new app's secret between showing its QR code and the first correct code; the
    #: confirmed one above keeps working until then. Encrypted at rest likewise.
    totp_pending_secret: Mapped[str | None] = mapped_column(EncryptedText(200))
    #: Set while the second factor is on: sign-in then asks for a code.
    totp_enabled_at: Mapped[datetime | None]
    #: Time step of the last accepted code; codes of this step or earlier are refused.
    totp_last_step: Mapped[int | None]

    client: Mapped[Client | None] = relationship()

    # Flask-Login protocol (is_active is the column above).
    is_authenticated = True
    is_anonymous = False

    @property
    def has_second_factor(self) -> bool:
        """True when signing in asks for a code after the password."""
        return self.totp_enabled_at is not None

    def get_id(self) -> str:
        """Session identifier: the user ID and the session version it was issued for."""
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"
