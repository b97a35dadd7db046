"""Migrating a database with plaintext private fields seals them with the client's key."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from flask import Flask

from app import create_app
from app.crypto.envelope import FieldContext, key_id_of, open_sealed
from app.crypto.keyring import keyring_for
from app.db import get_db
from app.models import Appointment, User
from app.schema import alembic_config, upgrade_database
from tests.db.crypto_helpers import stored
from tests.db.test_migrations import empty_postgres_database  # noqa: F401  (fixture)
from tests.settings import make_test_config

BEFORE_ENCRYPTION, ENCRYPTION = "13cdbf4d1c37", "5e1c0a7f2b91"
NOW = datetime(2030, 1, 1, 12, 0)
IDS = {name: uuid.uuid4() for name in ("client", "user", "service", "schedule", "appt", "change")}


def _type(value: object) -> sa.types.TypeEngine | None:
    if isinstance(value, uuid.UUID):
        return sa.Uuid()
    return sa.DateTime() if isinstance(value, datetime) else None


def _insert(connection: sa.Connection, table_name: str, **values: object) -> None:
    table = sa.table(table_name, *(sa.column(key, _type(v)) for key, v in values.items()))
    connection.execute(sa.insert(table).values(**values))


def _plaintext_rows(engine: sa.Engine) -> None:
    ids = IDS
    with engine.begin() as c:
        _insert(
            c,
            "clients",
            id=ids["client"],
            slug="old",
            name="Old Clinic",
            timezone="UTC",
            cancel_cutoff_minutes=0,
            reschedule_cutoff_minutes=0,
            created_at=NOW,
        )
        _insert(
            c,
            "users",
            id=ids["user"],
            client_id=ids["client"],
            role="customer",
            email="old.plain@example.org",
            email_lookup="0" * 64,
            display_name="Plain Olivia",
            phone="+44 1632 960000",
            password_hash="x",
            is_active=True,
            session_version=1,
            created_at=NOW,
            password_changed_at=NOW,
            must_change_password=False,
            failed_attempts=0,
        )
        _insert(
            c,
            "services",
            id=ids["service"],
            client_id=ids["client"],
            name="Talk",
            description="",
            duration_minutes=30,
            is_active=True,
            created_at=NOW,
        )
        _insert(
            c,
            "schedules",
            id=ids["schedule"],
            client_id=ids["client"],
            name="Main",
            slug="main",
            timezone="UTC",
            slot_step_minutes=30,
            buffer_before_minutes=0,
            buffer_after_minutes=0,
            min_notice_minutes=0,
            horizon_days=30,
            capacity=1,
            approval_required=False,
            is_active=True,
            availability_version=0,
            created_at=NOW,
        )
        _insert(
            c,
            "appointments",
            id=ids["appt"],
            client_id=ids["client"],
            schedule_id=ids["schedule"],
            service_id=ids["service"],
            customer_id=ids["user"],
            start_at=NOW,
            end_at=NOW.replace(minute=30),
            buffer_before_minutes=0,
            buffer_after_minutes=0,
            status="cancelled",
            notes="Plain notes",
            contact_phone="+44 1632 960001",
            cancel_reason="Plain reason",
            updated_at=NOW,
            sequence=0,
            created_at=NOW,
        )
        _insert(
            c,
            "appointment_status_changes",
            id=ids["change"],
            appointment_id=ids["appt"],
            to_status="cancelled",
            changed_at=NOW,
            reason="Plain history reason",
        )


def opened(app: Flask, client_id: uuid.UUID, table: str, column: str, row_id: uuid.UUID) -> str:
    """A stored value opened as the application would open it."""
    value = stored(app, table, column, row_id)
    engine = get_db(app).engine
    with engine.connect() as connection:
        key = keyring_for(engine).opening_key(connection, key_id_of(value))
    assert key.client_id == client_id
    context = FieldContext(client_id, table, column, row_id)
    return open_sealed(value, key=key.key, context=context)


def assert_plaintext_is_sealed_read_and_restored(url: str, instance: Path) -> None:
    app: Flask = create_app(make_test_config(instance_path=instance, database_url=url))
    engine = get_db(app).engine
    try:
        upgrade_database(engine, BEFORE_ENCRYPTION)
        _plaintext_rows(engine)

        upgrade_database(engine, ENCRYPTION)

        assert stored(app, "users", "display_name", IDS["user"]).startswith("ss1.")
        assert stored(app, "appointments", "notes", IDS["appt"]).startswith("ss1.")
        assert stored(app, "appointment_status_changes", "reason", IDS["change"]).startswith("ss1.")
        # Opened with the keyring directly: the models may describe later revisions.
        client = IDS["client"]
        assert opened(app, client, "users", "display_name", IDS["user"]) == "Plain Olivia"
        assert opened(app, client, "users", "email", IDS["user"]) == "old.plain@example.org"
        assert opened(app, client, "users", "phone", IDS["user"]) == "+44 1632 960000"
        assert opened(app, client, "appointments", "notes", IDS["appt"]) == "Plain notes"
        assert opened(app, client, "appointments", "cancel_reason", IDS["appt"]) == "Plain reason"
        reason = opened(app, client, "appointment_status_changes", "reason", IDS["change"])
        assert reason == "Plain history reason"

        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), BEFORE_ENCRYPTION)
        assert stored(app, "users", "display_name", IDS["user"]) == "Plain Olivia"
        assert stored(app, "appointments", "notes", IDS["appt"]) == "Plain notes"
    finally:
        engine.dispose()


def test_sqlite_plaintext_rows_are_sealed_read_and_restored_on_downgrade(tmp_path: Path) -> None:
    assert_plaintext_is_sealed_read_and_restored(f"sqlite:///{tmp_path / 'old.sqlite3'}", tmp_path)


@pytest.mark.postgres
def test_postgres_plaintext_rows_are_sealed_read_and_restored_on_downgrade(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = request.getfixturevalue("empty_postgres_database")
    assert_plaintext_is_sealed_read_and_restored(url, tmp_path)


def assert_a_database_with_data_upgrades_to_the_newest_schema(url: str, instance: Path) -> None:
    app: Flask = create_app(make_test_config(instance_path=instance, database_url=url))
    engine = get_db(app).engine
    try:
        upgrade_database(engine, BEFORE_ENCRYPTION)
        _plaintext_rows(engine)

        # Later revisions rebuild tables other rows refer to (SQLite alters by copying).
        upgrade_database(engine, "head")

        with get_db(app).session() as session:
            customer = session.get(User, IDS["user"])
            assert customer.display_name == "Plain Olivia"
            assert customer.email == "old.plain@example.org"
            assert session.get(Appointment, IDS["appt"]).notes == "Plain notes"
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
            # References are enforced again once the upgrade is done.
            _insert(
                connection,
                "appointment_status_changes",
                id=uuid.uuid4(),
                appointment_id=uuid.uuid4(),
                to_status="cancelled",
                changed_at=NOW,
            )
    finally:
        engine.dispose()


def test_a_sqlite_database_with_data_upgrades_to_the_newest_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    assert_a_database_with_data_upgrades_to_the_newest_schema(url, tmp_path)


@pytest.mark.postgres
def test_a_postgres_database_with_data_upgrades_to_the_newest_schema(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = request.getfixturevalue("empty_postgres_database")
    assert_a_database_with_data_upgrades_to_the_newest_schema(url, tmp_path)
