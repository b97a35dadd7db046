"""Verifying and restoring backups.

Verification decrypts a file completely, checks its SHA-256 against the one recorded,
restores it into a scratch database and compares rows per table with the counts taken
when it was made (`data_keys` is empty in both: backups hold no keys), then loads the
data-key file into it and checks that every key the backup's rows use is there, and
that every key unwraps with the configured master keys. Restoring goes only into an
empty database and only from a backup and a key file that have checked out completely
first; the keys of shredded clients are not in the key file, so their fields restore
as unavailable.
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
    check_engine,
    check_file,
    count_differences,
    counts_of,
    is_empty,
    restore_file,
    restore_to_scratch,
)
from app.backups.schedule import week_key
from app.config import Config
from app.crypto import keyring_from_config
from app.crypto.errors import FieldCryptoError
from app.db import create_db_engine, utcnow
from app.models import Backup, BackupStatus
from app.models.backup import MAX_MESSAGE
from app.services import key_file
from app.services.backups import (
    backup_key,
    claim,
    find_by_file_name,
    newest_backup,
    notify_admins,
    safe_message,
)
from app.services.key_file import KeyFile, LoadedKeys

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
    loaded: list[LoadedKeys] = []
    try:
        checked = check_file(path, key, expected_sha256=expected_sha256)
        keys = _checked_keys(config)
        work = ensure_directory(config.backup_dir)

        def load(url: str) -> None:
            loaded.append(key_file.load_keys(url, keys))

        found = restore_to_scratch(checked, key, config.database_url, work, then=load)
    except Exception as exc:  # noqa: BLE001 (a failed verification is a result, not a crash)
        return Verification(False, _message(exc))
    differences = count_differences(checked.manifest.tables, found)
    if differences:
        return Verification(
            False, ("row counts differ: " + "; ".join(differences))[:MAX_MESSAGE], checked
        )
    [keys_in] = loaded
    if keys_in.missing:
        return Verification(
            False,
            f"{len(keys_in.missing)} data key(s) the backup's rows use are not in the "
            "data-key file: those fields would restore as unavailable",
            checked,
        )
    total = sum(found.values())
    return Verification(
        True,
        f"restored {len(found)} tables, {total} rows, counts match; "
        f"{keys_in.live} data key(s) loaded from the key file, {keys_in.shredded} shredded",
        checked,
    )


def _checked_keys(config: Config) -> KeyFile:
    """The deployment's key file, opened, with every key unwrapping: or an error."""
    keys = key_file.read_key_file(key_file.target(config).path, backup_key(config))
    key_file.check_unwraps(keys, keyring_from_config(config))
    return keys


def _message(exc: BaseException) -> str:
    if isinstance(exc, RestoreRefused | FieldCryptoError):
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
    """What a restore put back: the backup's manifest, the rows found, the data keys."""

    checked: CheckedFile
    counts: dict[str, int]
    differences: list[str]
    keys: LoadedKeys


class KeysNotLoaded(Exception):
    """The backup was restored, but its data keys could not be put in; the message says so."""


def check_restore_target(config: Config) -> None:
    """Raise `RestoreRefused` unless the configured database is empty."""
    if not is_empty(config.database_url):
        raise RestoreRefused(
            "the target database is not empty: restore only into a new, empty database"
        )


def restore(config: Config, path: Path) -> Restored:
    """Restore the file at `path` into the configured (empty) database, with its data keys.

    Raises `BackupFileError` for a backup or key file that is not intact or not ours,
    `FieldCryptoError` for keys the configured master keys cannot unwrap, and
    `RestoreRefused` when the target is not empty; in all of these nothing was restored.
    """
    key = backup_key(config)
    check_restore_target(config)
    checked = check_file(path, key)
    check_engine(checked, config.database_url)
    keys = _checked_keys(config)
    restore_file(checked, key, config.database_url, work_dir=ensure_directory(config.backup_dir))
    counts = counts_of(config.database_url)  # as the dump held them: no data keys
    try:
        loaded = key_file.load_keys(config.database_url, keys)
    except SQLAlchemyError:
        raise KeysNotLoaded(
            "the backup was restored but its data keys could not be loaded; drop the "
            "database, create it empty and restore again"
        ) from None
    _mark_restored_backup_complete(config, checked)
    log.info("restored backup file %s", path.name)
    differences = count_differences(checked.manifest.tables, counts)
    return Restored(checked, counts, differences, loaded)


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


__all__ = [
    "BackupFileError",
    "KeysNotLoaded",
    "RestoreRefused",
    "Verification",
    "restore",
    "verify_path",
]
