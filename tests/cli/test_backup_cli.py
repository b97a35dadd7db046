"""`safeslot backup run | list | verify | restore` through the command line."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result
from flask import Flask
from sqlalchemy import select

from app.cli import CliState, main
from app.db import get_db
from app.models import Appointment
from tests import factories
from tests.services.backup_setup import has_no_tables, rows, sqlite_app


def run(app: Flask, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), obj=CliState(app), input=input)


def backed_up(app: Flask, appointments: int = 3) -> Path:
    """Book some appointments, run `safeslot backup run`, return the file."""
    session = get_db(app).session()
    first = factories.make_appointment(session)
    for _ in range(appointments - 1):
        factories.make_appointment(session, customer=first.customer)
    session.close()
    result = run(app, "backup", "run")
    assert result.exit_code == 0, result.output
    [path] = app.config["SAFESLOT"].backup_dir.glob("*.ssbk")
    assert str(path) in result.output
    return path


def test_run_then_list_shows_the_backup(tmp_path: Path) -> None:
    with sqlite_app(tmp_path) as app:
        path = backed_up(app)
        listed = run(app, "backup", "list")
    assert listed.exit_code == 0, listed.output
    assert path.name in listed.output
    assert "succeeded" in listed.output and "not verified" in listed.output


def test_list_says_when_there_are_none(tmp_path: Path) -> None:
    with sqlite_app(tmp_path) as app:
        result = run(app, "backup", "list")
    assert result.exit_code == 0
    assert "No backups yet." in result.output


def test_verify_restores_into_scratch_and_reports_matching_counts(tmp_path: Path) -> None:
    with sqlite_app(tmp_path) as app:
        path = backed_up(app)
        result = run(app, "backup", "verify", path.name)  # a bare name: in the backup dir
        listed = run(app, "backup", "list")
    assert result.exit_code == 0, result.output
    assert "Backup verified" in result.output and "counts match" in result.output
    assert "verified ok" in listed.output


def test_verify_refuses_an_altered_file(tmp_path: Path) -> None:
    with sqlite_app(tmp_path) as app:
        path = backed_up(app)
        data = bytearray(path.read_bytes())
        data[-40] ^= 0xFF
        path.write_bytes(bytes(data))
        result = run(app, "backup", "verify", str(path))
    assert result.exit_code == 1
    assert "verification failed" in result.output
    assert "SHA-256" in result.output


def test_restore_into_an_empty_database_brings_every_appointment_back(tmp_path: Path) -> None:
    with sqlite_app(tmp_path) as app:
        path = backed_up(app, appointments=5)
        before = set(rows(app.config["SAFESLOT"].database_url, select(Appointment.id)))
    with sqlite_app(tmp_path, "restored.sqlite3", schema=False) as target:
        result = run(target, "backup", "restore", str(path), "--yes")
        after = set(rows(target.config["SAFESLOT"].database_url, select(Appointment.id)))
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output
    assert "Data keys from" in result.output and "0 shredded" in result.output
    assert len(before) == 5 and after == before


def test_restore_asks_first_and_a_no_restores_nothing(tmp_path: Path) -> None:
    with sqlite_app(tmp_path) as app:
        path = backed_up(app)
    with sqlite_app(tmp_path, "restored.sqlite3", schema=False) as target:
        result = run(target, "backup", "restore", str(path), input="n\n")
    assert result.exit_code == 1
    assert "Restore" in result.output and "entire content" in result.output
    assert has_no_tables(tmp_path / "restored.sqlite3")


def test_restore_refuses_a_database_that_is_not_empty(tmp_path: Path) -> None:
    with sqlite_app(tmp_path) as app:
        path = backed_up(app)
        result = run(app, "backup", "restore", str(path), "--yes")
    assert result.exit_code == 1
    assert "not empty" in result.output


def test_restore_refuses_a_truncated_file_and_restores_nothing(tmp_path: Path) -> None:
    with sqlite_app(tmp_path) as app:
        path = backed_up(app)
    path.write_bytes(path.read_bytes()[:-100])
    with sqlite_app(tmp_path, "restored.sqlite3", schema=False) as target:
        result = run(target, "backup", "restore", str(path), "--yes")
    assert result.exit_code == 1
    assert "nothing was restored" in result.output and "truncated" in result.output
    assert has_no_tables(tmp_path / "restored.sqlite3")


def test_restore_names_a_missing_file(tmp_path: Path) -> None:
    with sqlite_app(tmp_path, "restored.sqlite3", schema=False) as target:
        result = run(target, "backup", "restore", str(tmp_path / "nope.ssbk"), "--yes")
    assert result.exit_code == 1
    assert "no backup file" in result.output
