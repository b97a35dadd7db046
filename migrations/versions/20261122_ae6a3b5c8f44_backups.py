"""backups table

Revision ID: ae6a3b5c8f44
Revises: 9d5f2a4b7e33
Create Date: 2026-11-22 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ae6a3b5c8f44"
down_revision: str | None = "9d5f2a4b7e33"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


BACKUP_STATUSES = ("running", "succeeded", "failed")


def upgrade() -> None:
    op.create_table(
        "backups",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("engine", sa.String(length=20), nullable=False),
        sa.Column("key_id", sa.String(length=40), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                *BACKUP_STATUSES,
                name="backup_status",
                native_enum=False,
                create_constraint=True,
                length=9,
            ),
            nullable=False,
        ),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("table_counts", sa.JSON(), nullable=True),
        sa.Column("message", sa.String(length=500), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verify_ok", sa.Boolean(), nullable=True),
        sa.Column("verify_message", sa.String(length=500), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backups")),
        sa.UniqueConstraint("file_name", name=op.f("uq_backups_file_name")),
    )
    op.create_index("ix_backups_status_started", "backups", ["status", "started_at"])
    op.create_table(
        "job_claims",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("job", sa.String(length=80), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_claims")),
        sa.UniqueConstraint("job", "period", name=op.f("uq_job_claims_job_period")),
    )


def downgrade() -> None:
    op.drop_table("job_claims")
    op.drop_index("ix_backups_status_started", table_name="backups")
    op.drop_table("backups")
