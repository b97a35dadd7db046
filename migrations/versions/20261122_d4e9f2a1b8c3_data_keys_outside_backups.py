"""data keys kept outside backups

Backups no longer carry `data_keys` rows; the keys live in a sealed file beside them.
A key that rotation replaced is marked retired (kept, wrapped) instead of deleted, so
backups made before its retirement stay readable until retention prunes them.

Revision ID: d4e9f2a1b8c3
Revises: c3d8e1f0a7b2
Create Date: 2026-11-22 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d4e9f2a1b8c3"
down_revision: str | None = "c3d8e1f0a7b2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("data_keys") as batch:
        batch.add_column(sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("data_keys") as batch:
        batch.drop_column("retired_at")
