"""self-service password reset and staff limited to some schedules

Revision ID: c3d8e1f0a7b2
Revises: bf7b4c6d9a55
Create Date: 2026-11-22 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision: str = "c3d8e1f0a7b2"
down_revision: str | None = "bf7b4c6d9a55"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # -- self-service password reset --------------------------------------------------
    op.create_table(
        "password_reset_links",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id", "user_id"],
            ["users.client_id", "users.id"],
            name=op.f("fk_password_reset_links_client_id_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_password_reset_links_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_reset_links_token_hash")),
    )
    with op.batch_alter_table("password_reset_links", schema=None) as batch_op:
        batch_op.create_index("ix_password_reset_links_user", ["user_id"], unique=False)
    # -- staff limited to some schedules ------------------------------------------------
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "sees_own_schedules_only", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("sees_own_schedules_only", server_default=None)


def downgrade() -> None:
    # -- staff limited to some schedules ------------------------------------------------
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("sees_own_schedules_only")
    # -- self-service password reset --------------------------------------------------
    with op.batch_alter_table("password_reset_links", schema=None) as batch_op:
        batch_op.drop_index("ix_password_reset_links_user")
    op.drop_table("password_reset_links")
