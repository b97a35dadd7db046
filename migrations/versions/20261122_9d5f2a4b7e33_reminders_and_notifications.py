"""reminders and outgoing notifications

Revision ID: 9d5f2a4b7e33
Revises: 8c4e1f3a6d22
Create Date: 2026-11-22 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9d5f2a4b7e33"
down_revision: str | None = "8c4e1f3a6d22"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DELIVERY_STATUSES = ("pending", "sent", "failed", "cancelled", "skipped")


def _delivery_columns() -> list[sa.Column]:
    """The columns every claimed-and-delivered row shares (app.models.delivery)."""
    return [
        sa.Column(
            "status",
            sa.Enum(
                *DELIVERY_STATUSES,
                name="delivery_status",
                native_enum=False,
                create_constraint=True,
                length=9,
            ),
            nullable=False,
        ),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_token", sa.Uuid(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("template", sa.String(length=100), nullable=False),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("to_user_id", sa.Uuid(), nullable=True),
        sa.Column("to_address", sa.Text(), nullable=True),
        *_delivery_columns(),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "to_user_id IS NOT NULL OR to_address IS NOT NULL",
            name=op.f("ck_outbox_messages_has_recipient"),
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_outbox_messages_attempts_not_negative")),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_outbox_messages_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_user_id"],
            ["users.id"],
            name=op.f("fk_outbox_messages_to_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_messages_status_due", ["status", "due_at"])
        batch_op.create_index("ix_outbox_messages_client_status", ["client_id", "status"])
        batch_op.create_index(batch_op.f("ix_outbox_messages_to_user_id"), ["to_user_id"])

    op.create_table(
        "reminders",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("appointment_id", sa.Uuid(), nullable=False),
        sa.Column("lead_minutes", sa.Integer(), nullable=False),
        sa.Column("for_start_at", sa.DateTime(timezone=True), nullable=False),
        *_delivery_columns(),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("lead_minutes > 0", name=op.f("ck_reminders_lead_positive")),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_reminders_attempts_not_negative")),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_reminders_appointment_id_appointments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_reminders_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint(
            "appointment_id", "lead_minutes", name=op.f("uq_reminders_appointment_id_lead_minutes")
        ),
    )
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.create_index("ix_reminders_status_due", ["status", "due_at"])
        batch_op.create_index("ix_reminders_client_status", ["client_id", "status"])

    op.create_table(
        "reminder_settings",
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("lead_minutes", sa.String(length=100), nullable=False),
        sa.Column("include_staff", sa.Boolean(), nullable=False),
        sa.Column("include_schedule", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_reminder_settings_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_reminder_settings")),
    )
    op.create_table(
        "service_reminder_leads",
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("lead_minutes", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_service_reminder_leads_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_service_reminder_leads_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("service_id", name=op.f("pk_service_reminder_leads")),
    )
    op.create_table(
        "reminder_preferences",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("email_opt_out", sa.Boolean(), nullable=False),
        sa.Column("text_opt_out", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_reminder_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_reminder_preferences")),
    )


def downgrade() -> None:
    op.drop_table("reminder_preferences")
    op.drop_table("service_reminder_leads")
    op.drop_table("reminder_settings")
    with op.batch_alter_table("reminders", schema=None) as batch_op:
        batch_op.drop_index("ix_reminders_client_status")
        batch_op.drop_index("ix_reminders_status_due")
    op.drop_table("reminders")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_messages_to_user_id"))
        batch_op.drop_index("ix_outbox_messages_client_status")
        batch_op.drop_index("ix_outbox_messages_status_due")
    op.drop_table("outbox_messages")
