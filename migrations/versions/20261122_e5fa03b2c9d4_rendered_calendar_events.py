"""rendered calendar events kept for feeds

Revision ID: e5fa03b2c9d4
Revises: d4e9f2a1b8c3
Create Date: 2026-11-22 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e5fa03b2c9d4"
down_revision: str | None = "d4e9f2a1b8c3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Starts empty: feeds fill it as they render.
    op.create_table(
        "rendered_calendar_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("appointment_id", sa.Uuid(), nullable=False),
        sa.Column(
            "variant",
            sa.Enum(
                "busy",
                "named",
                "unnamed",
                "locked",
                name="variant",
                native_enum=False,
                create_constraint=True,
                length=7,
            ),
            nullable=False,
        ),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("public_body", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "(variant = 'named') = (body IS NOT NULL)"
            " AND (body IS NULL) = (public_body IS NOT NULL)",
            name=op.f("ck_rendered_calendar_events_sealed_when_named"),
        ),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_rendered_calendar_events_appointment_id_appointments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_rendered_calendar_events_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rendered_calendar_events")),
    )
    with op.batch_alter_table("rendered_calendar_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rendered_calendar_events_appointment",
            ["appointment_id", "variant"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("rendered_calendar_events", schema=None) as batch_op:
        batch_op.drop_index("ix_rendered_calendar_events_appointment")
    op.drop_table("rendered_calendar_events")
