"""calendar feed tokens, feed privacy, and an index for cheap feed polls

Revision ID: 13cdbf4d1c37
Revises: 6f5dba26a8c3
Create Date: 2026-11-22 19:18:58.536638
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "13cdbf4d1c37"
down_revision: str | None = "6f5dba26a8c3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_feed_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "scope",
            sa.Enum(
                "schedule",
                "all",
                "customer",
                name="feed_scope",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("schedule_id", sa.Uuid(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("use_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(scope = 'schedule') = (schedule_id IS NOT NULL)",
            name=op.f("ck_calendar_feed_tokens_schedule_matches_scope"),
        ),
        sa.CheckConstraint(
            "use_count >= 0", name=op.f("ck_calendar_feed_tokens_use_count_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["client_id", "user_id"],
            ["users.client_id", "users.id"],
            name=op.f("fk_calendar_feed_tokens_client_id_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_calendar_feed_tokens_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["schedules.id"],
            name=op.f("fk_calendar_feed_tokens_schedule_id_schedules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feed_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feed_tokens_token_hash")),
    )
    with op.batch_alter_table("calendar_feed_tokens", schema=None) as batch_op:
        batch_op.create_index(
            "ix_calendar_feed_tokens_client_user", ["client_id", "user_id"], unique=False
        )

    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_appointments_client_updated", ["client_id", "updated_at"], unique=False
        )

    # Existing clients start at the most private level; only an admin may reveal more.
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "feed_privacy",
                sa.Enum(
                    "busy_only",
                    "service_and_initials",
                    "full_details",
                    name="feed_privacy",
                    native_enum=False,
                    create_constraint=True,
                ),
                nullable=False,
                server_default="busy_only",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_clients_feed_privacy"), type_="check")
        batch_op.drop_column("feed_privacy")

    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_index("ix_appointments_client_updated")

    with op.batch_alter_table("calendar_feed_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_calendar_feed_tokens_client_user")

    op.drop_table("calendar_feed_tokens")
