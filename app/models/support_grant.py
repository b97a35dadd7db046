"""SupportGrant: a client's time-limited permission for platform support to look in.

A grant opened by a client administrator lets any platform support person see the
client's records, read-only and masked, until it expires or is revoked. An
emergency ("break-glass") grant is opened by a platform administrator without the
client; it serves only that administrator, lasts at most an hour, and everything
seen under it is flagged in the client's access history. Reveals of one masked
field are kept with the reason typed for them.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.models.base import CreatedAt, UUIDPrimaryKey, enum_type
from app.models.client import Client

#: Longest reason accepted for a grant or a reveal.
MAX_REASON = 500


class GrantKind(enum.StrEnum):
    #: Opened by one of the client's administrators.
    CLIENT = "client"
    #: Opened by a platform administrator without the client ("break-glass").
    EMERGENCY = "emergency"


class SupportGrant(UUIDPrimaryKey, CreatedAt, Base):
    """A window [starts_at, expires_at) in which platform support may read one client."""

    __tablename__ = "support_grants"
    __table_args__ = (
        CheckConstraint("starts_at < expires_at", name="starts_before_expiry"),
        # Only an emergency grant is personal: it serves the administrator who opened it.
        CheckConstraint(
            "(kind = 'emergency') = (grantee_id IS NOT NULL)", name="emergency_is_personal"
        ),
        Index("ix_support_grants_client_expires", "client_id", "expires_at"),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    kind: Mapped[GrantKind] = mapped_column(enum_type(GrantKind, "support_grant_kind"))
    #: Why access is needed, as typed by whoever opened the grant.
    reason: Mapped[str] = mapped_column(String(MAX_REASON))
    #: A client administrator, or the platform administrator of an emergency grant.
    granted_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    #: Set for an emergency grant only: the one person it serves.
    grantee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    client: Mapped[Client] = relationship()

    @property
    def is_emergency(self) -> bool:
        """True for a break-glass grant (everything under it is flagged)."""
        return self.kind is GrantKind.EMERGENCY

    def is_active(self, now: datetime) -> bool:
        """True while the grant lets support in at `now`."""
        return self.revoked_at is None and self.starts_at <= now < self.expires_at

    def __repr__(self) -> str:
        return f"<SupportGrant {self.id} {self.kind.value}>"


class SupportReveal(UUIDPrimaryKey, Base):
    """One masked field of one record shown in full under a grant, with the reason given."""

    __tablename__ = "support_reveals"
    __table_args__ = (Index("ix_support_reveals_grant", "grant_id", "revealed_at"),)

    grant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("support_grants.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[uuid.UUID]
    #: The field's name, never its value.
    field: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    revealed_at: Mapped[datetime]
