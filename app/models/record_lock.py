"""RecordLock: a customer's record that only named members of the team may open.

Without a lock, every staff member and administrator of a client sees every
customer. A lock narrows that to the users listed in `record_lock_members`;
everyone else (other staff, other administrators, platform support with a grant)
sees only that a locked record exists. The check is made in the scoped query
layer (`app.scope.Scope`), so every page and API reading a customer obeys it.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Column, ForeignKey, ForeignKeyConstraint, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.models.base import CreatedAt, UUIDPrimaryKey
from app.models.user import User

#: Who may open a locked record (besides nobody else).
record_lock_members = Table(
    "record_lock_members",
    Base.metadata,
    Column("lock_id", ForeignKey("record_locks.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class RecordLock(UUIDPrimaryKey, CreatedAt, Base):
    """A lock on one customer's record (at most one per customer)."""

    __tablename__ = "record_locks"
    __table_args__ = (
        # The customer must belong to the lock's client.
        ForeignKeyConstraint(
            ["client_id", "customer_id"], ["users.client_id", "users.id"], ondelete="CASCADE"
        ),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    customer_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    #: The administrator who set the lock.
    locked_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    members: Mapped[list[User]] = relationship(secondary=record_lock_members)

    def __repr__(self) -> str:
        return f"<RecordLock {self.id}>"
