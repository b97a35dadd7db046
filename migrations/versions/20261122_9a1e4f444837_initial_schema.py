"""Initial schema: clients, users, services, schedules, appointments

Revision ID: 9a1e4f444837
Revises:
Create Date: 2026-11-22 17:51:40.855893
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9a1e4f444837"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "clients",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slug", sa.String(length=63), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("cancel_cutoff_minutes", sa.Integer(), nullable=False),
        sa.Column("reschedule_cutoff_minutes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "cancel_cutoff_minutes >= 0",
            name=op.f("ck_clients_cancel_cutoff_not_negative"),
        ),
        sa.CheckConstraint(
            "reschedule_cutoff_minutes >= 0",
            name=op.f("ck_clients_reschedule_cutoff_not_negative"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
        sa.UniqueConstraint("slug", name=op.f("uq_clients_slug")),
    )
    op.create_table(
        "schedules",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=63), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("slot_step_minutes", sa.Integer(), nullable=False),
        sa.Column("buffer_before_minutes", sa.Integer(), nullable=False),
        sa.Column("buffer_after_minutes", sa.Integer(), nullable=False),
        sa.Column("min_notice_minutes", sa.Integer(), nullable=False),
        sa.Column("horizon_days", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("daily_cap", sa.Integer(), nullable=True),
        sa.Column("weekly_cap", sa.Integer(), nullable=True),
        sa.Column("approval_required", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("availability_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "buffer_before_minutes BETWEEN 0 AND 1440 AND buffer_after_minutes BETWEEN 0 AND 1440",
            name=op.f("ck_schedules_buffers_in_range"),
        ),
        sa.CheckConstraint("capacity >= 1", name=op.f("ck_schedules_capacity_positive")),
        sa.CheckConstraint(
            "daily_cap IS NULL OR daily_cap >= 1",
            name=op.f("ck_schedules_daily_cap_positive"),
        ),
        sa.CheckConstraint("horizon_days > 0", name=op.f("ck_schedules_horizon_positive")),
        sa.CheckConstraint(
            "min_notice_minutes >= 0", name=op.f("ck_schedules_min_notice_not_negative")
        ),
        sa.CheckConstraint("slot_step_minutes > 0", name=op.f("ck_schedules_slot_step_positive")),
        sa.CheckConstraint(
            "weekly_cap IS NULL OR weekly_cap >= 1",
            name=op.f("ck_schedules_weekly_cap_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_schedules_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedules")),
        sa.UniqueConstraint("client_id", "id", name=op.f("uq_schedules_client_id_id")),
        sa.UniqueConstraint("client_id", "slug", name=op.f("uq_schedules_client_id_slug")),
    )
    op.create_index(op.f("ix_schedules_client_id"), "schedules", ["client_id"], unique=False)

    op.create_table(
        "services",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "duration_minutes > 0 AND duration_minutes <= 1440",
            name=op.f("ck_services_duration_in_range"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_services_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_services")),
        sa.UniqueConstraint("client_id", "id", name=op.f("uq_services_client_id_id")),
    )
    op.create_index(op.f("ix_services_client_id"), "services", ["client_id"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column(
            "role",
            sa.Enum(
                "customer",
                "staff",
                "client_admin",
                "support",
                "platform_admin",
                name="user_role",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("email_lookup", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("password_hash", sa.String(length=100), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(role IN ('support', 'platform_admin')) = (client_id IS NULL)",
            name=op.f("ck_users_client_matches_role"),
        ),
        sa.CheckConstraint("session_version >= 1", name=op.f("ck_users_session_version_positive")),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_users_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint(
            "client_id", "email_lookup", name=op.f("uq_users_client_id_email_lookup")
        ),
        sa.UniqueConstraint("client_id", "id", name=op.f("uq_users_client_id_id")),
    )
    op.create_index(op.f("ix_users_client_id"), "users", ["client_id"], unique=False)
    op.create_index(
        "uq_users_platform_email_lookup",
        "users",
        ["email_lookup"],
        unique=True,
        sqlite_where=sa.text("client_id IS NULL"),
        postgresql_where=sa.text("client_id IS NULL"),
    )

    op.create_table(
        "appointments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("schedule_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("customer_id", sa.Uuid(), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("buffer_before_minutes", sa.Integer(), nullable=False),
        sa.Column("buffer_after_minutes", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "requested",
                "confirmed",
                "cancelled",
                "completed",
                "no_show",
                name="status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("contact_phone", sa.String(length=50), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "buffer_before_minutes BETWEEN 0 AND 1440 AND buffer_after_minutes BETWEEN 0 AND 1440",
            name=op.f("ck_appointments_buffers_in_range"),
        ),
        sa.CheckConstraint("sequence >= 0", name=op.f("ck_appointments_sequence_not_negative")),
        sa.CheckConstraint("start_at < end_at", name=op.f("ck_appointments_starts_before_end")),
        sa.ForeignKeyConstraint(
            ["client_id", "customer_id"],
            ["users.client_id", "users.id"],
            name=op.f("fk_appointments_client_id_customer_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id", "schedule_id"],
            ["schedules.client_id", "schedules.id"],
            name=op.f("fk_appointments_client_id_schedule_id_schedules"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id", "service_id"],
            ["services.client_id", "services.id"],
            name=op.f("fk_appointments_client_id_service_id_services"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_appointments_client_id_clients"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
    )
    op.create_index(
        "ix_appointments_customer_start",
        "appointments",
        ["client_id", "customer_id", "start_at"],
        unique=False,
    )
    op.create_index(
        "ix_appointments_schedule_start",
        "appointments",
        ["schedule_id", "start_at"],
        unique=False,
    )
    op.create_index(
        "ix_appointments_schedule_status_start",
        "appointments",
        ["schedule_id", "status", "start_at"],
        unique=False,
    )

    op.create_table(
        "closures",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("schedule_id", sa.Uuid(), nullable=False),
        sa.Column("first_date", sa.Date(), nullable=False),
        sa.Column("last_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.CheckConstraint("first_date <= last_date", name=op.f("ck_closures_dates_ordered")),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["schedules.id"],
            name=op.f("fk_closures_schedule_id_schedules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closures")),
    )
    op.create_index(op.f("ix_closures_schedule_id"), "closures", ["schedule_id"], unique=False)

    op.create_table(
        "date_overrides",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("schedule_id", sa.Uuid(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.CheckConstraint(
            "(start_time IS NULL AND end_time IS NULL) OR (start_time IS NOT NULL AND end_time IS NOT NULL AND start_time < end_time)",
            name=op.f("ck_date_overrides_closed_or_interval"),
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["schedules.id"],
            name=op.f("fk_date_overrides_schedule_id_schedules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_date_overrides")),
    )
    op.create_index(
        op.f("ix_date_overrides_schedule_id"),
        "date_overrides",
        ["schedule_id"],
        unique=False,
    )

    op.create_table(
        "schedule_services",
        sa.Column("schedule_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["schedules.id"],
            name=op.f("fk_schedule_services_schedule_id_schedules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_schedule_services_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("schedule_id", "service_id", name=op.f("pk_schedule_services")),
    )
    op.create_table(
        "schedule_staff",
        sa.Column("schedule_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["schedules.id"],
            name=op.f("fk_schedule_staff_schedule_id_schedules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_schedule_staff_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("schedule_id", "user_id", name=op.f("pk_schedule_staff")),
    )
    op.create_table(
        "weekly_hours",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("schedule_id", sa.Uuid(), nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.CheckConstraint("start_time < end_time", name=op.f("ck_weekly_hours_starts_before_end")),
        sa.CheckConstraint(
            "weekday BETWEEN 0 AND 6", name=op.f("ck_weekly_hours_weekday_in_range")
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["schedules.id"],
            name=op.f("fk_weekly_hours_schedule_id_schedules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weekly_hours")),
    )
    op.create_index(
        op.f("ix_weekly_hours_schedule_id"),
        "weekly_hours",
        ["schedule_id"],
        unique=False,
    )

    op.create_table(
        "appointment_status_changes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("appointment_id", sa.Uuid(), nullable=False),
        sa.Column(
            "from_status",
            sa.Enum(
                "requested",
                "confirmed",
                "cancelled",
                "completed",
                "no_show",
                name="from_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_status",
            sa.Enum(
                "requested",
                "confirmed",
                "cancelled",
                "completed",
                "no_show",
                name="to_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointments.id"],
            name=op.f("fk_appointment_status_changes_appointment_id_appointments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by"],
            ["users.id"],
            name=op.f("fk_appointment_status_changes_changed_by_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment_status_changes")),
    )
    op.create_index(
        "ix_status_changes_appointment",
        "appointment_status_changes",
        ["appointment_id", "changed_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_status_changes_appointment", table_name="appointment_status_changes")

    op.drop_table("appointment_status_changes")
    op.drop_index(op.f("ix_weekly_hours_schedule_id"), table_name="weekly_hours")

    op.drop_table("weekly_hours")
    op.drop_table("schedule_staff")
    op.drop_table("schedule_services")
    op.drop_index(op.f("ix_date_overrides_schedule_id"), table_name="date_overrides")

    op.drop_table("date_overrides")
    op.drop_index(op.f("ix_closures_schedule_id"), table_name="closures")

    op.drop_table("closures")
    op.drop_index("ix_appointments_schedule_status_start", table_name="appointments")
    op.drop_index("ix_appointments_schedule_start", table_name="appointments")
    op.drop_index("ix_appointments_customer_start", table_name="appointments")

    op.drop_table("appointments")
    op.drop_index(
        "uq_users_platform_email_lookup",
        table_name="users",
        sqlite_where=sa.text("client_id IS NULL"),
        postgresql_where=sa.text("client_id IS NULL"),
    )
    op.drop_index(op.f("ix_users_client_id"), table_name="users")

    op.drop_table("users")
    op.drop_index(op.f("ix_services_client_id"), table_name="services")

    op.drop_table("services")
    op.drop_index(op.f("ix_schedules_client_id"), table_name="schedules")

    op.drop_table("schedules")
    op.drop_table("clients")
