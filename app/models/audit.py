"""The audit trail: append-only events, hash-chained per client (platform events apart)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow
from app.models.base import UUIDPrimaryKey

#: The chain name of events that belong to no client (platform sign-ins, support, keys).
PLATFORM_CHAIN = "platform"
#: Length of a hex HMAC-SHA256.
MAC_LENGTH = 64


def chain_name(client_id: uuid.UUID | None) -> str:
    """The chain an event of `client_id` belongs to."""
    return PLATFORM_CHAIN if client_id is None else str(client_id)


class AuditEvent(UUIDPrimaryKey, Base):
    """Who did what to which record, when and from where. Never a field's value."""

    __tablename__ = "audit_events"
    __table_args__ = (
        UniqueConstraint("chain", "seq"),
        Index("ix_audit_events_client_at", "client_id", "at"),
        Index("ix_audit_events_client_object", "client_id", "object_id"),
    )

    #: str(client_id), or "platform": events of one chain are MAC-linked in `seq` order.
    chain: Mapped[str] = mapped_column(String(36))
    #: 1, 2, 3, ... without gaps within the chain.
    seq: Mapped[int]
    at: Mapped[datetime] = mapped_column(default=utcnow)
    client_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE")
    )
    #: No foreign key: erasing an account must not rewrite (and so break) the chain.
    actor_id: Mapped[uuid.UUID | None]
    actor_role: Mapped[str | None] = mapped_column(String(20))
    #: Dotted, e.g. "customer.view", "appointment.cancel", "settings.change".
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    #: As seen after honouring the configured number of trusted proxies.
    ip_address: Mapped[str | None] = mapped_column(String(45))
    #: Names of the fields that changed, sorted; never their values.
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Emergency ("break-glass") access, shown highlighted to the client's administrators.
    flagged: Mapped[bool] = mapped_column(default=False)
    #: MAC of the previous event of the chain (64 zeros for the first).
    prev_mac: Mapped[str] = mapped_column(String(MAC_LENGTH))
    #: HMAC-SHA256 over `prev_mac` and this event's canonical content.
    mac: Mapped[str] = mapped_column(String(MAC_LENGTH))


class AuditChainHead(Base):
    """The last event of each chain; locked while appending so appends never interleave."""

    __tablename__ = "audit_chain_heads"

    chain: Mapped[str] = mapped_column(String(36), primary_key=True)
    client_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE")
    )
    seq: Mapped[int] = mapped_column(default=0)
    mac: Mapped[str] = mapped_column(String(MAC_LENGTH))
