"""Backups on PostgreSQL: pg_dump out, wipe, pg_restore in, every appointment found again."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import make_url, select, text

from app import create_app
from app.backups.format import BackupFileError
from app.backups.restore import is_empty
from app.db import Base, create_db_engine, get_db, utcnow
from app.models import Appointment, BackupStatus
from app.services import backup_checks, backups
from tests import factories
from tests.services.backup_setup import BACKUP_KEY, rows
from tests.settings import make_test_config, postgres_url

pytestmark = pytest.mark.postgres


def _admin_engine():
    return create_db_engine(postgres_url(), isolation_level="AUTOCOMMIT")


def _create(name: str) -> None:
    engine = _admin_engine()
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()


def _drop(name: str) -> None:
    engine = _admin_engine()
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


@pytest.fixture
def scratch_name() -> Iterator[str]:
    """A database of our own beside DATABASE_URL's, dropped afterwards."""
    base = make_url(postgres_url()).database
    name = f"{base}_bk_{uuid.uuid4().hex[:12]}"
    _create(name)
    try:
        yield name
    finally:
        _drop(name)


@contextlib.contextmanager
def postgres_app(tmp_path: Path, name: str, *, schema: bool = True) -> Iterator[Flask]:
    url = make_url(postgres_url()).set(database=name).render_as_string(hide_password=False)
    config = make_test_config(
        instance_path=tmp_path / "instance",
        database_url=url,
        backup_dir=tmp_path / "backups",
        backup_key=BACKUP_KEY,
    )
    app = create_app(config)
    if schema:
        Base.metadata.create_all(get_db(app).engine)
    try:
        yield app
    finally:
        get_db(app).engine.dispose()


def book(app: Flask, count: int) -> None:
    session = get_db(app).session()
    first = factories.make_appointment(session)
    for _ in range(count - 1):
        factories.make_appointment(session, customer=first.customer)
    session.close()


def test_backup_wipe_restore_on_postgres_finds_every_appointment(
    tmp_path: Path, scratch_name: str
) -> None:
    with postgres_app(tmp_path, scratch_name) as app:
        book(app, 12)
        config = app.config["SAFESLOT"]
        before = set(rows(config.database_url, select(Appointment.id, Appointment.start_at)))
        session = get_db(app).session()
        made = backups.run_backup(session, config, now=utcnow())
        verified = backup_checks.verify_path(
            session, config, config.backup_dir / made.file_name, now=utcnow()
        )
        session.close()
    assert made.status is BackupStatus.SUCCEEDED, made.message
    assert made.engine == "postgresql"
    assert made.table_counts["appointments"] == 12
    assert verified.ok, verified.message

    _drop(scratch_name)  # the disaster
    _create(scratch_name)
    with postgres_app(tmp_path, scratch_name, schema=False) as fresh:
        restored = backup_checks.restore(
            fresh.config["SAFESLOT"], config.backup_dir / made.file_name
        )
        after = set(rows(config.database_url, select(Appointment.id, Appointment.start_at)))
    assert restored.differences == []
    assert after == before


def test_a_truncated_postgres_backup_restores_nothing(tmp_path: Path, scratch_name: str) -> None:
    with postgres_app(tmp_path, scratch_name) as app:
        book(app, 2)
        session = get_db(app).session()
        made = backups.run_backup(session, app.config["SAFESLOT"], now=utcnow())
        session.close()
    path = tmp_path / "backups" / made.file_name
    path.write_bytes(path.read_bytes()[:-10])

    target = f"{scratch_name}_t"
    _create(target)
    try:
        with postgres_app(tmp_path, target, schema=False) as empty:
            url = empty.config["SAFESLOT"].database_url
            with pytest.raises(BackupFileError, match="truncated"):
                backup_checks.restore(empty.config["SAFESLOT"], path)
            assert is_empty(url)
    finally:
        _drop(target)


def test_a_postgres_backup_is_not_restored_into_a_non_empty_database(
    tmp_path: Path, scratch_name: str
) -> None:
    with postgres_app(tmp_path, scratch_name) as app:
        session = get_db(app).session()
        made = backups.run_backup(session, app.config["SAFESLOT"], now=utcnow())
        session.close()
        with pytest.raises(backup_checks.RestoreRefused, match="not empty"):
            backup_checks.restore(app.config["SAFESLOT"], tmp_path / "backups" / made.file_name)
