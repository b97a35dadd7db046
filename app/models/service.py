"""Service: something a client offers, with a fixed duration."""

from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.base import CreatedAt, UUIDPrimaryKey

#: Upper bound on a service's duration; lets availability queries bound their scans.
MAX_DURATION_MINUTES = 24 * 60


class Service(UUIDPrimaryKey, CreatedAt, Base):
    """A bookable service of one client (e.g. "Initial consultation, 50 minutes")."""

    __tablename__ = "services"
    __table_args__ = (
        UniqueConstraint("client_id", "id"),
        CheckConstraint(
            f"duration_minutes > 0 AND duration_minutes <= {MAX_DURATION_MINUTES}",
            name="duration_in_range",
        ),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    duration_minutes: Mapped[int]
    is_active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Service {self.id} {self.duration_minutes}min>"
