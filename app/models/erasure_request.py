"""ErasureRequest: a customer's request to have their account erased, and the decision."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, ForeignKeyConstraint, Index, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow
from app.models.base import UUIDPrimaryKey, enum_type

#: Longest reason an administrator may give for declining.
MAX_DECLINE_REASON = 1000


class ErasureStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class ErasureRequest(UUIDPrimaryKey, Base):
    """One request; at most one per customer is pending at a time."""

    __tablename__ = "erasure_requests"
    __table_args__ = (
        # The customer must belong to the client the request is filed with.
        ForeignKeyConstraint(["client_id", "customer_id"], ["users.client_id", "users.id"]),
        CheckConstraint(
            "(status = 'pending') = (decided_at IS NULL)", name="decided_unless_pending"
        ),
        Index("ix_erasure_requests_client_status", "client_id", "status", "requested_at"),
        Index(
            "uq_erasure_requests_pending_customer",
            "customer_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    customer_id: Mapped[uuid.UUID]
    status: Mapped[ErasureStatus] = mapped_column(
        enum_type(ErasureStatus, "erasure_status"), default=ErasureStatus.PENDING
    )
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    #: The administrator who approved or declined (no foreign key: the record outlives them).
    decided_by: Mapped[uuid.UUID | None]
    #: Shown to the customer when declined; written by staff, never copied from the customer.
    decline_reason: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<ErasureRequest {self.id} {self.status.value}>"
