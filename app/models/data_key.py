"""DataKey: a client's (or the platform's) field-encryption key, wrapped by a master key."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.models.base import CreatedAt, UUIDPrimaryKey


class DataKey(UUIDPrimaryKey, CreatedAt, Base):
    """One data key. Its id is written in clear at the front of every ciphertext it sealed."""

    __tablename__ = "data_keys"
    __table_args__ = (
        # At most one key seals new values, per client and for the platform (NULL client_id
        # never collides in a unique index, hence the second one).
        Index(
            "uq_data_keys_active_client",
            "client_id",
            unique=True,
            sqlite_where=text("is_active"),
            postgresql_where=text("is_active"),
        ),
        Index(
            "uq_data_keys_active_platform",
            "is_active",
            unique=True,
            sqlite_where=text("is_active AND client_id IS NULL"),
            postgresql_where=text("is_active AND client_id IS NULL"),
        ),
        CheckConstraint(
            "(wrapped_key IS NULL) = (shredded_at IS NOT NULL)", name="shredded_has_no_key"
        ),
        CheckConstraint("NOT (is_active AND shredded_at IS NOT NULL)", name="shredded_not_active"),
    )

    #: NULL for the platform's key (users without a client). Deleting a client shreds its keys.
    client_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True
    )
    #: New values of this owner are sealed with the active key; older keys only open.
    is_active: Mapped[bool] = mapped_column(default=True)
    #: nonce | AES-256-GCM(master key, data key); NULL once shredded (a tombstone remains).
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: Public id of the master key that wraps it (see app.crypto.envelope.master_key_id).
    master_key_id: Mapped[str | None] = mapped_column(String(16))
    #: When a newer key took over sealing; rows move off this key during rotation.
    superseded_at: Mapped[datetime | None]
    #: When `keys retire` found no row using it. Backups hold no keys, so a retired key is
    #: kept (and in the backups' key file) until no kept backup started before this.
    retired_at: Mapped[datetime | None]
    #: When the key material was destroyed: its ciphertexts can never be opened again.
    shredded_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<DataKey {self.id} client={self.client_id} active={self.is_active}>"
