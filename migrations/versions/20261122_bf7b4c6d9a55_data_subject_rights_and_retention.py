"""data-subject rights and retention

Revision ID: bf7b4c6d9a55
Revises: ae6a3b5c8f44
Create Date: 2026-11-22 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "bf7b4c6d9a55"
down_revision: str | None = "ae6a3b5c8f44"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "erasure_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "declined",
                name="erasure_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "(status = 'pending') = (decided_at IS NULL)",
            name=op.f("ck_erasure_requests_decided_unless_pending"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id", "customer_id"],
            ["users.client_id", "users.id"],
            name=op.f("fk_erasure_requests_client_id_customer_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_erasure_requests_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_requests")),
    )
    with op.batch_alter_table("erasure_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_erasure_requests_client_status",
            ["client_id", "status", "requested_at"],
            unique=False,
        )
        batch_op.create_index(
            "uq_erasure_requests_pending_customer",
            ["customer_id"],
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )

    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("appointment_retention_days", sa.Integer(), nullable=True))
        # Existing clients get the default login-log retention.
        batch_op.add_column(
            sa.Column(
                "login_log_retention_days",
                sa.Integer(),
                nullable=False,
                server_default=sa.text("365"),
            )
        )
        batch_op.create_check_constraint(
            "appointment_retention_in_range",
            "appointment_retention_days IS NULL OR appointment_retention_days BETWEEN 30 AND 3650",
        )
        batch_op.create_check_constraint(
            "login_log_retention_in_range", "login_log_retention_days BETWEEN 30 AND 3650"
        )
    # The model has no server default: new rows get theirs from the application.
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.alter_column("login_log_retention_days", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_clients_login_log_retention_in_range"), type_="check")
        batch_op.drop_constraint(op.f("ck_clients_appointment_retention_in_range"), type_="check")
        batch_op.drop_column("login_log_retention_days")
        batch_op.drop_column("appointment_retention_days")

    with op.batch_alter_table("erasure_requests", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_erasure_requests_pending_customer",
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )
        batch_op.drop_index("ix_erasure_requests_client_status")
    op.drop_table("erasure_requests")
