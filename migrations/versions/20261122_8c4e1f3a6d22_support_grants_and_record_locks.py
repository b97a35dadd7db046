"""support grants and record locks

Revision ID: 8c4e1f3a6d22
Revises: 7b3d9e2c4f10
Create Date: 2026-11-22 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8c4e1f3a6d22"
down_revision: str | None = "7b3d9e2c4f10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _support_grants()
    _support_reveals()
    _record_locks()


def _support_grants() -> None:
    op.create_table(
        "support_grants",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "client",
                "emergency",
                name="support_grant_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("granted_by_id", sa.Uuid(), nullable=True),
        sa.Column("grantee_id", sa.Uuid(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "starts_at < expires_at", name=op.f("ck_support_grants_starts_before_expiry")
        ),
        sa.CheckConstraint(
            "(kind = 'emergency') = (grantee_id IS NOT NULL)",
            name=op.f("ck_support_grants_emergency_is_personal"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_support_grants_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["granted_by_id"],
            ["users.id"],
            name=op.f("fk_support_grants_granted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["grantee_id"],
            ["users.id"],
            name=op.f("fk_support_grants_grantee_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"],
            ["users.id"],
            name=op.f("fk_support_grants_revoked_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_grants")),
    )
    with op.batch_alter_table("support_grants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_support_grants_client_expires", ["client_id", "expires_at"], unique=False
        )


def _support_reveals() -> None:
    op.create_table(
        "support_reveals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("grant_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("object_type", sa.String(length=30), nullable=False),
        sa.Column("object_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("revealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["support_grants.id"],
            name=op.f("fk_support_reveals_grant_id_support_grants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_support_reveals_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_reveals")),
    )
    with op.batch_alter_table("support_reveals", schema=None) as batch_op:
        batch_op.create_index("ix_support_reveals_grant", ["grant_id", "revealed_at"], unique=False)


def _record_locks() -> None:
    op.create_table(
        "record_locks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("locked_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id", "customer_id"],
            ["users.client_id", "users.id"],
            name=op.f("fk_record_locks_client_id_customer_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_record_locks_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["locked_by_id"],
            ["users.id"],
            name=op.f("fk_record_locks_locked_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_locks")),
        sa.UniqueConstraint("customer_id", name=op.f("uq_record_locks_customer_id")),
    )
    op.create_table(
        "record_lock_members",
        sa.Column("lock_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lock_id"],
            ["record_locks.id"],
            name=op.f("fk_record_lock_members_lock_id_record_locks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_record_lock_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("lock_id", "user_id", name=op.f("pk_record_lock_members")),
    )


def downgrade() -> None:
    op.drop_table("record_lock_members")
    op.drop_table("record_locks")
    with op.batch_alter_table("support_reveals", schema=None) as batch_op:
        batch_op.drop_index("ix_support_reveals_grant")
    op.drop_table("support_reveals")
    with op.batch_alter_table("support_grants", schema=None) as batch_op:
        batch_op.drop_index("ix_support_grants_client_expires")
    op.drop_table("support_grants")
