"""Backups: made, wiped, restored with every appointment; tampered files restore nothing."""

from __future__ import annotations

import hashlib
import stat
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.backups import key_file
from app.backups.archive import Manifest, write_manifest
from app.backups.format import BackupFileError, BackupKey, EncryptingWriter, WrongBackupKey
from app.backups.restore import RestoreRefused
from app.db import get_db
from app.models import (
    Appointment,
    Backup,
    BackupStatus,
    OutboxMessage,
    Role,
    Schedule,
    Service,
)
from app.services import backup_checks, backups
from tests import factories
from tests.services.backup_setup import (
    BACKUP_KEY,
    OTHER_BACKUP_KEY,
    has_no_tables,
    rows,
    sqlite_app,
    wipe_sqlite,
)

NOW = datetime(2026, 11, 22, 2, 5, tzinfo=UTC)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def book_many(session: Session, count: int) -> list[Appointment]:
    first = factories.make_appointment(session)
    schedule, service = first.schedule_id, first.service_id
    made = [first]
    for i in range(1, count):
        made.append(
            factories.make_appointment(
                session,
                schedule=session.get(Schedule, schedule),
                service=session.get(Service, service),
                start_at=first.start_at + timedelta(hours=i),
            )
        )
    return made


def appointment_rows(url: str) -> set[tuple]:
    return set(rows(url, select(Appointment.id, Appointment.start_at, Appointment.status)))


def make_backup(app: Flask, *, now: datetime = NOW) -> Backup:
    with app.app_context():
        session = get_db(app).session()
        try:
            return backups.run_backup(session, app.config["SAFESLOT"], now=now)
        finally:
            session.close()


def test_backup_wipe_restore_finds_every_appointment_again(tmp_path: Path) -> None:
    with sqlite_app(tmp_path) as app:
        config = app.config["SAFESLOT"]
        session = get_db(app).session()
        book_many(session, 25)
        session.close()
        before = appointment_rows(config.database_url)
        made = make_backup(app)

    assert made.status is BackupStatus.SUCCEEDED, made.message
    path = config.backup_dir / made.file_name
    assert mode(path) == 0o600
    assert mode(config.backup_dir) == 0o700
    assert made.size == path.stat().st_size
    assert made.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert made.table_counts["appointments"] == 25

    wipe_sqlite(Path(config.database_url.removeprefix("sqlite:///")))
    with sqlite_app(tmp_path, schema=False) as fresh:
        restored = backup_checks.restore(fresh.config["SAFESLOT"], path)

    assert restored.differences == []
    assert restored.counts["appointments"] == 25
    assert appointment_rows(config.database_url) == before
    # The restored database knows the backup it came from as complete.
    [(status,)] = rows(config.database_url, select(Backup.status))
    assert status is BackupStatus.SUCCEEDED


def test_the_backup_file_holds_nothing_readable(tmp_path: Path) -> None:
    with sqlite_app(tmp_path) as app:
        session = get_db(app).session()
        client = factories.make_client(session, name="Readable Clinic Name")
        session.close()
        made = make_backup(app)
        data = (app.config["SAFESLOT"].backup_dir / made.file_name).read_bytes()
    assert b"SQLite format 3" not in data
    assert client.name.encode() not in data
    assert str(client.id).encode() not in data


def corrupt(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "truncated":
        data = data[: len(data) // 2]
    elif how == "tail-cut":
        data = data[:-1]
    elif how == "altered":
        data[len(data) // 2] ^= 0x01
    elif how == "appended":
        data += b"\x00extra"
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["truncated", "tail-cut", "altered", "appended"])
def test_a_damaged_backup_is_refused_and_nothing_is_restored(tmp_path: Path, how: str) -> None:
    with sqlite_app(tmp_path) as app:
        session = get_db(app).session()
        book_many(session, 3)
        session.close()
        made = make_backup(app)
        path = app.config["SAFESLOT"].backup_dir / made.file_name
    corrupt(path, how)

    with (
        sqlite_app(tmp_path, "target.sqlite3", schema=False) as target,
        pytest.raises(BackupFileError) as caught,
    ):
        backup_checks.restore(target.config["SAFESLOT"], path)
    assert "backup" in str(caught.value)
    assert has_no_tables(tmp_path / "target.sqlite3")


def test_a_backup_under_another_key_is_refused_and_nothing_is_restored(tmp_path: Path) -> None:
    with sqlite_app(tmp_path) as app:
        made = make_backup(app)
        path = app.config["SAFESLOT"].backup_dir / made.file_name
    with (
        sqlite_app(tmp_path, "target.sqlite3", schema=False, backup_key=OTHER_BACKUP_KEY) as target,
        pytest.raises(WrongBackupKey, match="SAFESLOT_BACKUP_KEY"),
    ):
        backup_checks.restore(target.config["SAFESLOT"], path)
    assert has_no_tables(tmp_path / "target.sqlite3")


def test_restore_refuses_a_database_that_is_not_empty(tmp_path: Path) -> None:
    with sqlite_app(tmp_path) as app:
        session = get_db(app).session()
        book_many(session, 2)
        session.close()
        made = make_backup(app)
        config = app.config["SAFESLOT"]
        before = appointment_rows(config.database_url)
        with pytest.raises(RestoreRefused, match="not empty"):
            backup_checks.restore(config, config.backup_dir / made.file_name)
        assert appointment_rows(config.database_url) == before


def test_verify_restores_into_a_scratch_database_and_records_the_result(
    app: Flask, db_session: Session, make_appointment
) -> None:
    make_appointment()
    config = app.config["SAFESLOT"].with_overrides(backup_dir=Path(app.instance_path) / "bk")
    made = backups.run_backup(db_session, config, now=NOW)
    assert made.status is BackupStatus.SUCCEEDED, made.message

    result = backup_checks.verify_path(
        db_session, config, config.backup_dir / made.file_name, now=NOW
    )

    assert result.ok, result.message
    assert "counts match" in result.message
    db_session.refresh(made)
    assert made.verify_ok is True
    assert made.verified_at == NOW
    # Nothing of the scratch restore is left: the backup, and the data-key file with its lock.
    assert {p.name for p in config.backup_dir.iterdir()} == {
        made.file_name,
        key_file.FILE_NAME,
        key_file.LOCK_NAME,
    }


def test_a_failed_verification_is_recorded_and_mailed_to_platform_admins(
    app: Flask, db_session: Session, make_user
) -> None:
    admin = make_user(role=Role.PLATFORM_ADMIN, client=None)
    config = app.config["SAFESLOT"].with_overrides(backup_dir=Path(app.instance_path) / "bk")
    made = backups.run_backup(db_session, config, now=NOW)
    corrupt(config.backup_dir / made.file_name, "altered")

    result = backup_checks.verify_path(
        db_session, config, config.backup_dir / made.file_name, now=NOW
    )

    assert not result.ok
    assert "SHA-256" in result.message
    db_session.refresh(made)
    assert made.verify_ok is False
    mail = db_session.scalars(select(OutboxMessage)).one()
    assert (mail.template, mail.to_user_id) == ("backup_failed", admin.id)
    assert mail.context["what"] == "verification"


def test_a_failed_backup_is_recorded_and_mailed_to_platform_admins(
    app: Flask, db_session: Session, make_user, tmp_path: Path
) -> None:
    admin = make_user(role=Role.PLATFORM_ADMIN, client=None)
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    config = app.config["SAFESLOT"].with_overrides(backup_dir=blocker / "backups")

    made = backups.run_backup(db_session, config, now=NOW)

    assert made.status is BackupStatus.FAILED
    assert made.message
    assert made.finished_at is not None
    mail = db_session.scalars(select(OutboxMessage)).one()
    assert (mail.template, mail.to_user_id) == ("backup_failed", admin.id)
    assert mail.context == {
        "what": "backup",
        "backup_id": str(made.id),
        "file_name": made.file_name,
        "message": made.message,
    }


def test_the_scheduled_backup_runs_once_per_night(app: Flask, db_session: Session) -> None:
    config = app.config["SAFESLOT"].with_overrides(
        backup_dir=Path(app.instance_path) / "bk", backup_hour=2, timezone="Europe/London"
    )
    too_early = NOW.replace(hour=1, minute=0)
    first = backups.run_scheduled_backup(db_session, config, now=too_early)
    assert first is not None  # nothing yet: the first backup is due at once
    assert backups.run_scheduled_backup(db_session, config, now=too_early) is None

    tonight = backups.run_scheduled_backup(db_session, config, now=NOW)
    assert tonight is not None and tonight.status is BackupStatus.SUCCEEDED
    assert backups.run_scheduled_backup(db_session, config, now=NOW + timedelta(hours=5)) is None
    assert len(backups.list_backups(db_session)) == 2


def test_two_beats_claiming_one_slot_get_it_once(db_session: Session) -> None:
    assert backups.claim(db_session, "backup", "2026-11-22T02:00:00+00:00")
    assert not backups.claim(db_session, "backup", "2026-11-22T02:00:00+00:00")
    assert backups.claim(db_session, "backup", "2026-11-23T02:00:00+00:00")


def test_retention_removes_old_files_and_marks_them(
    app: Flask, db_session: Session, tmp_path: Path
) -> None:
    directory = tmp_path / "kept"
    directory.mkdir()
    config = app.config["SAFESLOT"].with_overrides(backup_dir=directory)
    for day in range(40):
        started = NOW - timedelta(days=day)
        name = f"b{day:02d}.ssbk"
        (directory / name).write_bytes(b"x")
        db_session.add(
            Backup(
                file_name=name,
                engine="sqlite",
                key_id="bk-test",
                status=BackupStatus.SUCCEEDED,
                started_at=started,
                finished_at=started,
            )
        )
    db_session.commit()

    removed = backups.prune(db_session, config, now=NOW)

    left = sorted(p.name for p in directory.iterdir())
    # 14 days, then the newest of each older week and month in range.
    assert left[:14] == [f"b{day:02d}.ssbk" for day in range(14)]
    assert len(left) + len(removed) == 40
    assert all(b.removed_at == NOW for b in removed)
    assert not any((directory / b.file_name).exists() for b in removed)
    assert backups.prune(db_session, config, now=NOW) == []


def test_weekly_verification_runs_once_a_week(app: Flask, db_session: Session) -> None:
    config = app.config["SAFESLOT"].with_overrides(backup_dir=Path(app.instance_path) / "bk")
    made = backups.run_backup(db_session, config, now=NOW)

    result = backup_checks.verify_newest_weekly(db_session, config, now=NOW)
    again = backup_checks.verify_newest_weekly(db_session, config, now=NOW + timedelta(hours=1))

    assert result is not None and result.ok, result and result.message
    assert again is None
    db_session.refresh(made)
    assert made.verify_ok is True


def test_weekly_verification_without_any_backup_alerts_the_admins(
    app: Flask, db_session: Session, make_user
) -> None:
    make_user(role=Role.PLATFORM_ADMIN, client=None)
    config = app.config["SAFESLOT"].with_overrides(backup_dir=Path(app.instance_path) / "bk")
    result = backup_checks.verify_newest_weekly(db_session, config, now=NOW)
    assert result is not None and not result.ok
    mail = db_session.scalars(select(OutboxMessage)).one()
    assert mail.context["message"] == "there is no backup to verify"


def test_two_beats_at_the_same_moment_make_one_backup(app: Flask, db_session: Session) -> None:
    config = app.config["SAFESLOT"].with_overrides(backup_dir=Path(app.instance_path) / "bk")
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def beat() -> None:
        with app.app_context():
            session = get_db(app).session()
            try:
                barrier.wait(timeout=10)
                outcomes.append(backups.run_scheduled_backup(session, config, now=NOW))
            finally:
                session.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    made = [outcome for outcome in outcomes if outcome is not None]
    assert len(outcomes) == 2 and len(made) == 1
    assert len(backups.list_backups(db_session)) == 1
    assert len(list(config.backup_dir.glob("*.ssbk"))) == 1


def test_a_postgresql_backup_is_not_restored_into_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "pg.ssbk"
    with open(path, "wb") as handle:
        writer = EncryptingWriter(handle, BackupKey(BACKUP_KEY))
        write_manifest(
            writer,
            Manifest(engine="postgresql", created_at=NOW.isoformat(), backup_id=str(uuid.uuid4())),
        )
        writer.write(b"PGDMP")
        writer.close()
    with (
        sqlite_app(tmp_path, "target.sqlite3", schema=False) as target,
        pytest.raises(RestoreRefused, match="postgresql backup"),
    ):
        backup_checks.restore(target.config["SAFESLOT"], path)
    assert has_no_tables(tmp_path / "target.sqlite3")
