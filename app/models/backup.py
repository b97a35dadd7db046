"""Backup: one encrypted database backup file, and the claims that keep jobs single.

The table never holds private data: a file name, its size and SHA-256, the name of the
key, times, a status, row counts per table, and messages written by the backup code.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow
from app.models.base import UUIDPrimaryKey, enum_type

#: Messages are ours (never a database error's text, which may quote values).
MAX_MESSAGE = 500


class BackupStatus(enum.StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Backup(UUIDPrimaryKey, Base):
    """One backup run and the file it wrote."""

    __tablename__ = "backups"
    __table_args__ = (Index("ix_backups_status_started", "status", "started_at"),)

    #: Name of the file inside the backup directory (never a path).
    file_name: Mapped[str] = mapped_column(String(200), unique=True)
    #: "sqlite" or "postgresql": which engine can restore it.
    engine: Mapped[str] = mapped_column(String(20))
    #: Identifier of the backup key (a keyed hash of it, see app.backups.format).
    key_id: Mapped[str] = mapped_column(String(40))
    status: Mapped[BackupStatus] = mapped_column(
        enum_type(BackupStatus, "backup_status"), default=BackupStatus.RUNNING
    )
    #: "scheduled" (the beat) or "manual" (the command line).
    trigger: Mapped[str] = mapped_column(String(20), default="manual")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    #: Size in bytes and hex SHA-256 of the encrypted file.
    size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    #: Rows per table in the backed-up snapshot.
    table_counts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: Why the backup failed.
    message: Mapped[str | None] = mapped_column(String(MAX_MESSAGE))
    verified_at: Mapped[datetime | None]
    verify_ok: Mapped[bool | None]
    verify_message: Mapped[str | None] = mapped_column(String(MAX_MESSAGE))
    #: When retention deleted the file (the row stays, as the record of it).
    removed_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<Backup {self.file_name} {self.status.value}>"


class JobClaim(UUIDPrimaryKey, Base):
    """A periodic job's claim on one period: the unique key makes it run once, by one beat."""

    __tablename__ = "job_claims"
    __table_args__ = (UniqueConstraint("job", "period"),)

    #: e.g. "backup", "backup-verify", "sign-in-summary:<client id>".
    job: Mapped[str] = mapped_column(String(80))
    #: e.g. an ISO timestamp of the scheduled slot, "2026-W47", "2026-11-21".
    period: Mapped[str] = mapped_column(String(40))
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
