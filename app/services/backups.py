"""Backups as use cases: make one, list them, keep the right ones, run them on schedule.

Each backup is a row first (status "running", committed), then a file, then the row's
outcome. A failure is recorded with a message of ours (never a database error's text)
and e-mailed to the platform administrators through the outbox.

A backup holds no data keys: `data_keys` is dumped empty and the key file beside the
backups (app.services.key_file) is rewritten after the dump, so it holds every key the
dump's rows use. A backup whose key file cannot be written is a failed backup.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.backups.archive import Manifest
from app.backups.create import UnsupportedDatabase, engine_of, ensure_directory, write_backup
from app.backups.format import BackupFileError, BackupKey
from app.backups.postgres_dump import PostgresToolError
from app.backups.retention import RetentionPolicy, backups_to_keep
from app.backups.schedule import backup_due, latest_slot
from app.backups.sqlite_dump import SQLiteRestoreError
from app.config import Config
from app.crypto.keyring import keyring_for
from app.db import utcnow
from app.models import Backup, BackupStatus, JobClaim, Role, User
from app.models.backup import MAX_MESSAGE
from app.schema import current_revision
from app.services import key_admin, key_file, outbox
from app.services.key_file import KeyFileError

log = logging.getLogger(__name__)

SCHEDULED_JOB = "backup"
#: Errors whose messages are ours and safe to show; anything else is named by type only.
KNOWN_ERRORS = (BackupFileError, PostgresToolError, SQLiteRestoreError, UnsupportedDatabase)
#: How a failed key-file rewrite is named in the backup's message.
KEY_FILE_FAILED = "the data-key file could not be rewritten"


def backup_key(config: Config) -> BackupKey:
    """The configured backup key."""
    return BackupKey(config.backup_key)


def retention_policy(config: Config) -> RetentionPolicy:
    """The configured retention tiers."""
    return RetentionPolicy(
        daily=config.backup_keep_daily,
        weekly=config.backup_keep_weekly,
        monthly=config.backup_keep_monthly,
    )


def safe_message(exc: BaseException) -> str:
    """A message for the backup table and e-mail: ours, or just the kind of error."""
    if isinstance(exc, KNOWN_ERRORS):
        text = str(exc)
    elif isinstance(exc, OSError):
        text = f"{exc.strerror or type(exc).__name__}" + (
            f": {exc.filename}" if exc.filename else ""
        )
    else:
        text = f"unexpected error ({type(exc).__name__})"
    return text[:MAX_MESSAGE]


def run_backup(
    session: Session, config: Config, *, now: datetime, trigger: str = "manual"
) -> Backup:
    """Back up the whole database into a new encrypted file; returns its (committed) row."""
    key = backup_key(config)
    backup_id = uuid.uuid4()
    backup = Backup(
        id=backup_id,
        file_name=f"safeslot-{now:%Y%m%dT%H%M%SZ}-{backup_id.hex[:8]}.ssbk",
        engine=make_engine_name(config),
        key_id=key.key_id,
        status=BackupStatus.RUNNING,
        trigger=trigger,
        started_at=now,
    )
    session.add(backup)
    session.commit()
    log.info("backup %s started (%s)", backup.id, trigger)
    try:
        engine_of(config.database_url)  # refuse an engine we cannot back up, recorded
        directory = ensure_directory(config.backup_dir)
        manifest = Manifest(
            engine=backup.engine,
            created_at=now.isoformat(),
            backup_id=str(backup.id),
            schema_revision=current_revision(session.get_bind()),
        )
        written = write_backup(
            config.database_url,
            directory / backup.file_name,
            key,
            manifest=manifest,
            exclude_data=(key_file.KEY_TABLE,),
        )
    except Exception as exc:  # noqa: BLE001 (every failure is recorded, then reported)
        session.rollback()
        _fail(session, backup, safe_message(exc), what="backup")
        log.error("backup %s failed: %s", backup.id, type(exc).__name__)
        return backup
    keys = key_file.update_key_file(session.get_bind().engine, key_file.target(config))
    if not keys.ok:
        # Without its keys the file restores no private field: not a backup to rely on.
        (directory / backup.file_name).unlink(missing_ok=True)
        session.rollback()
        _fail(session, backup, f"{KEY_FILE_FAILED} ({keys.error})"[:MAX_MESSAGE], what="backup")
        log.error("backup %s failed: data-key file not written", backup.id)
        return backup
    backup.status = BackupStatus.SUCCEEDED
    backup.finished_at = _now_after(now)
    backup.size, backup.sha256 = written.size, written.sha256
    backup.table_counts = written.table_counts
    session.commit()
    log.info("backup %s written: %s (%d bytes)", backup.id, backup.file_name, written.size)
    return backup


def make_engine_name(config: Config) -> str:
    """The engine name recorded for backups of this deployment's database."""
    try:
        return engine_of(config.database_url)
    except UnsupportedDatabase:
        return "unknown"


def _now_after(start: datetime) -> datetime:
    return max(start, utcnow())


def _fail(session: Session, backup: Backup, message: str, *, what: str) -> None:
    backup.status = BackupStatus.FAILED
    backup.finished_at = _now_after(backup.started_at)
    backup.message = message
    notify_admins(session, backup, what=what, message=message)
    session.commit()


def notify_admins(session: Session, backup: Backup | None, *, what: str, message: str) -> None:
    """Queue the "backup failed" e-mail to every active platform administrator."""
    admins = session.scalars(
        select(User.id).where(User.role == Role.PLATFORM_ADMIN, User.is_active.is_(True))
    ).all()
    context = {
        "what": what,
        "backup_id": backup.id if backup else None,
        "file_name": backup.file_name if backup else None,
        "message": message,
    }
    for admin_id in admins:
        outbox.enqueue_email(
            session,
            client_id=None,
            template="backup_failed",
            context=context,
            to_user_id=admin_id,
            kind="backup_failed",
        )


def list_backups(session: Session, *, limit: int = 200) -> list[Backup]:
    """The most recent backups, newest first."""
    stmt = select(Backup).order_by(Backup.started_at.desc()).limit(limit)
    return list(session.scalars(stmt))


def find_by_file_name(session: Session, file_name: str) -> Backup | None:
    """The backup row of a file name, if this database recorded it."""
    return session.scalar(select(Backup).where(Backup.file_name == file_name))


def newest_backup(session: Session) -> Backup | None:
    """The newest successful backup whose file is still kept."""
    stmt = (
        select(Backup)
        .where(Backup.status == BackupStatus.SUCCEEDED, Backup.removed_at.is_(None))
        .order_by(Backup.started_at.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def prune(session: Session, config: Config, *, now: datetime) -> list[Backup]:
    """Delete the files retention no longer keeps; each removal is logged and recorded."""
    candidates = list(
        session.scalars(
            select(Backup).where(
                Backup.status == BackupStatus.SUCCEEDED, Backup.removed_at.is_(None)
            )
        )
    )
    keep = backups_to_keep(
        ((b.id, b.started_at) for b in candidates),
        now=now,
        tz=config.timezone,
        policy=retention_policy(config),
    )
    removed = [b for b in candidates if b.id not in keep]
    for backup in removed:
        (config.backup_dir / backup.file_name).unlink(missing_ok=True)
        backup.removed_at = now
        log.info("backup %s removed by retention: %s", backup.id, backup.file_name)
    session.commit()
    if removed:
        _drop_keys_no_backup_needs(session, config)
    return removed


def _drop_keys_no_backup_needs(session: Session, config: Config) -> None:
    """Retired data keys only pruned backups needed leave the database and the key file."""
    engine = session.get_bind().engine
    deleted = key_admin.delete_unneeded_retired(_sessions(engine), keyring_for(engine))
    if deleted:
        key_file.update_key_file(engine, key_file.target(config))  # a failure is logged
        log.info("%d retired data key(s) deleted: no kept backup needs them", len(deleted))


def _sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def claim(session: Session, job: str, period: str) -> bool:
    """Claim `job` for `period` (committed); False if it was already claimed."""
    session.rollback()
    session.add(JobClaim(job=job, period=period))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def run_scheduled_backup(session: Session, config: Config, *, now: datetime) -> Backup | None:
    """The beat's backup: once per scheduled slot, by one process; then retention."""
    last_started = session.scalar(
        select(Backup.started_at)
        .where(Backup.status != BackupStatus.FAILED)
        .order_by(Backup.started_at.desc())
        .limit(1)
    )
    schedule = {
        "tz": config.timezone,
        "hour": config.backup_hour,
        "every_minutes": config.backup_every_minutes,
    }
    _refresh_key_file(session, config)
    if not backup_due(now, last_started_at=last_started, **schedule):
        return None
    slot = latest_slot(now, **schedule)
    if not claim(session, SCHEDULED_JOB, slot.isoformat()):
        return None  # another beat (or an earlier run) has this slot
    backup = run_backup(session, config, now=now, trigger="scheduled")
    if backup.status is BackupStatus.SUCCEEDED:
        prune(session, config, now=now)
    return backup


def _refresh_key_file(session: Session, config: Config) -> None:
    """Every minute: make the key file match the database (after a shred run elsewhere)."""
    try:
        if key_file.refresh_if_stale(session.get_bind().engine, key_file.target(config)):
            log.info("data-key file rewritten: it differed from the database")
    except (OSError, KeyFileError) as exc:
        log.error("the data-key file could not be refreshed: %s", type(exc).__name__)
