"""OutboxMessage: one e-mail queued in a use case's transaction and sent after its commit."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.crypto.types import EncryptedText
from app.db import Base
from app.models.base import CreatedAt, UUIDPrimaryKey
from app.models.delivery import Deliverable, DeliveryStatus


class OutboxMessage(UUIDPrimaryKey, CreatedAt, Deliverable, Base):
    """An outgoing e-mail: a template, the IDs it renders from, and its recipient."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("to_user_id IS NOT NULL OR to_address IS NOT NULL", name="has_recipient"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        # The sweep's look-up: pending rows by due time.
        Index("ix_outbox_messages_status_due", "status", "due_at"),
        Index("ix_outbox_messages_client_status", "client_id", "status"),
    )

    #: NULL for platform mail (e.g. to a support account).
    client_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE")
    )
    #: What it is about, for the failed-mail page: "notice", "lockout", ...
    kind: Mapped[str] = mapped_column(String(40))
    #: Names templates/email/<template>.txt (and .html when present).
    template: Mapped[str] = mapped_column(String(100))
    #: IDs and safe values only; the sender loads the rest when it renders.
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: The recipient's account; the address is read from it when sending.
    to_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    #: An explicit address, when there is no account (private: encrypted at rest).
    to_address: Mapped[str | None] = mapped_column(EncryptedText(320))

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.template} {self.status.value}>"


__all__ = ["DeliveryStatus", "OutboxMessage"]
