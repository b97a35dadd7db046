"""Column building blocks shared by the models."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Enum
from sqlalchemy.orm import Mapped, mapped_column

from app.db import utcnow


class UUIDPrimaryKey:
    """A random UUID primary key: IDs in URLs are never sequential or guessable."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4, sort_order=-100)


class CreatedAt:
    """When the row was created (aware UTC)."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow, sort_order=100)


def enum_type(enum_class: type[enum.Enum], name: str) -> Enum:
    """A portable enum column: VARCHAR holding the member values, plus a CHECK constraint."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.value) for member in enum_class),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
