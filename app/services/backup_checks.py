"""Verifying and restoring backups.

Verification decrypts a file completely, checks its SHA-256 against the one recorded,
restores it into a scratch database and compares rows per table with the counts taken
when it was made. Restoring goes only into an empty database and only from a file that
has checked out completely first.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.backups.create import ensure_directory
from app.backups.format import BackupFileError
from app.backups.restore import (
    CheckedFile,
    RestoreRefused,
    check_file,
    count_differences,
    counts_of,
    is_empty,
    restore_file,
    restore_to_scratch,
)
from app.backups.schedule import week_key
from app.config import Config
from app.db import create_db_engine, utcnow
from app.models import Backup, BackupStatus
from app.models.backup import MAX_MESSAGE
from app.services.backups import (
    backup_key,
    claim,
    find_by_file_name,
    newest_backup,
    notify_admins,
    safe_message,
)

log = logging.getLogger(__name__)

VERIFY_JOB = "backup-verify"


@dataclass(frozen=True)
class Verification:
    """The outcome of verifying one file."""

    ok: bool
    message: str
    checked: CheckedFile | None = None


def verify_path(session: Session, config: Config, path: Path, *, now: datetime) -> Verification:
    """Verify the backup file at `path`, recording the result on its row if it has one."""
    backup = find_by_file_name(session, path.name)
    expected = backup.sha256 if backup is not None else None
    result = _verify(config, path, expected_sha256=expected)
    if backup is not None:
        record_verification(session, backup, result, now=now)
    log.info("backup file %s verified: %s", path.name, "ok" if result.ok else "FAILED")
    return result


def _verify(config: Config, path: Path, *, expected_sha256: str | None) -> Verification:
    key = backup_key(config)
    try:
        checked = check_file(path, key, expected_sha256=expected_sha256)
        work = ensure_directory(config.backup_dir)
        found = restore_to_scratch(checked, key, config.database_url, work)
    except Exception as exc:  # noqa: BLE001 (a failed verification is a result, not a crash)
        return Verification(False, _message(exc))
    differences = count_differences(checked.manifest.tables, found)
    if differences:
        return Verification(
            False, ("row counts differ: " + "; ".join(differences))[:MAX_MESSAGE], checked
        )
    total = sum(found.values())
    return Verification(True, f"restored {len(found)} tables, {total} rows, counts match", checked)


def _message(exc: BaseException) -> str:
    if isinstance(exc, RestoreRefused):
        return str(exc)[:MAX_MESSAGE]
    return safe_message(exc)


def record_verification(
    session: Session, backup: Backup, result: Verification, *, now: datetime
) -> None:
    """Store a verification's outcome on `backup`; a failure is e-mailed to the admins."""
    backup.verified_at = now
    backup.verify_ok = result.ok
    backup.verify_message = result.message
    if not result.ok:
        notify_admins(session, backup, what="verification", message=result.message)
    session.commit()


def verify_newest_weekly(session: Session, config: Config, *, now: datetime) -> Verification | None:
    """The beat's weekly check of the newest backup; once per ISO week, by one process."""
    if not claim(session, VERIFY_JOB, week_key(now, tz=config.timezone)):
        return None
    backup = newest_backup(session)
    if backup is None:
        message = "there is no backup to verify"
        notify_admins(session, None, what="verification", message=message)
        session.commit()
        log.error("weekly backup verification: %s", message)
        return Verification(False, message)
    result = _verify(config, config.backup_dir / backup.file_name, expected_sha256=backup.sha256)
    record_verification(session, backup, result, now=now)
    log.info("weekly verification of backup %s: %s", backup.id, "ok" if result.ok else "FAILED")
    return result


@dataclass(frozen=True)
class Restored:
    """What a restore put back: the backup's manifest and the rows found afterwards."""

    checked: CheckedFile
    counts: dict[str, int]
    differences: list[str]


def check_restore_target(config: Config) -> None:
    """Raise `RestoreRefused` unless the configured database is empty."""
    if not is_empty(config.database_url):
        raise RestoreRefused(
            "the target database is not empty: restore only into a new, empty database"
        )


def restore(config: Config, path: Path) -> Restored:
    """Restore the file at `path` into the configured (empty) database.

    Raises `BackupFileError` for a file that is not intact or not ours, and
    `RestoreRefused` when the target is not empty; in both cases nothing was restored.
    """
    key = backup_key(config)
    check_restore_target(config)
    checked = check_file(path, key)
    restore_file(checked, key, config.database_url, work_dir=ensure_directory(config.backup_dir))
    counts = counts_of(config.database_url)
    _mark_restored_backup_complete(config, checked)
    log.info("restored backup file %s", path.name)
    return Restored(checked, counts, count_differences(checked.manifest.tables, counts))


def _mark_restored_backup_complete(config: Config, checked: CheckedFile) -> None:
    # The dump was taken while its own row said "running"; in the restored database
    # that row should say what became of it.
    engine = create_db_engine(config.database_url)
    try:
        _update_restored_row(engine, checked)
    except SQLAlchemyError:  # the restore itself succeeded; this is only bookkeeping
        log.warning("restored; could not mark backup %s complete", checked.manifest.backup_id)
    finally:
        engine.dispose()


def _update_restored_row(engine: Engine, checked: CheckedFile) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(Backup)
            .where(
                Backup.id == uuid.UUID(checked.manifest.backup_id),
                Backup.status == BackupStatus.RUNNING,
            )
            .values(
                status=BackupStatus.SUCCEEDED,
                finished_at=utcnow(),
                size=checked.size,
                sha256=checked.sha256,
                table_counts=checked.manifest.tables,
            )
        )


__all__ = ["BackupFileError", "RestoreRefused", "Verification", "restore", "verify_path"]
