"""`safeslot backup ...`: make, list, verify and restore encrypted backups."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import click
from sqlalchemy import make_url

from app import get_config
from app.backups.format import BackupFileError
from app.backups.postgres_dump import PostgresToolError
from app.backups.restore import RestoreRefused
from app.backups.sqlite_dump import SQLiteRestoreError
from app.cli.state import CliState, pass_state
from app.config import Config
from app.crypto.errors import FieldCryptoError
from app.db import get_session, utcnow
from app.models import Backup, BackupStatus
from app.services import backup_checks, backups, key_file


@click.group()
def backup() -> None:
    """Encrypted backups of the whole database."""


@backup.command("run")
@pass_state
def run(state: CliState) -> None:
    """Back up the database now into SAFESLOT_BACKUP_DIR."""
    with state.app.app_context():
        config = get_config()
        made = backups.run_backup(get_session(), config, now=utcnow())
        if made.status is not BackupStatus.SUCCEEDED:
            raise click.ClickException(f"backup failed: {made.message}")
        click.echo(f"Backup written: {config.backup_dir / made.file_name}")
        click.echo(f"  {made.size} bytes, SHA-256 {made.sha256}, key {made.key_id}")


@backup.command("list")
@pass_state
def list_command(state: CliState) -> None:
    """List the recorded backups, newest first."""
    with state.app.app_context():
        config = get_config()
        rows = backups.list_backups(get_session())
        if not rows:
            click.echo("No backups yet.")
            return
        for row in rows:
            click.echo(_describe(row, config))


def _describe(row: Backup, config: Config) -> str:
    started = row.started_at.astimezone(ZoneInfo(config.timezone)).strftime("%Y-%m-%d %H:%M %Z")
    status = "removed" if row.removed_at else row.status.value
    if row.verified_at is None:
        verified = "not verified"
    else:
        verified = "verified ok" if row.verify_ok else "VERIFY FAILED"
    size = f"{row.size} bytes" if row.size is not None else "-"
    return f"{row.file_name}  {started}  {status:<9}  {size}  {row.key_id}  {verified}"


@backup.command("prune")
@pass_state
def prune(state: CliState) -> None:
    """Delete the backup files the retention tiers no longer keep."""
    with state.app.app_context():
        removed = backups.prune(get_session(), get_config(), now=utcnow())
        click.echo(f"Removed {len(removed)} backup file(s).")
        for row in removed:
            click.echo(f"  {row.file_name}")


def _locate(config: Config, file: str) -> Path:
    path = Path(file)
    if not path.exists() and path.name == file:
        path = config.backup_dir / file  # a bare name means one in the backup directory
    return path


@backup.command("verify")
@click.argument("file")
@pass_state
def verify(state: CliState, file: str) -> None:
    """Decrypt FILE, restore it into a scratch database and compare row counts."""
    with state.app.app_context():
        config = get_config()
        result = backup_checks.verify_path(
            get_session(), config, _locate(config, file), now=utcnow()
        )
        if not result.ok:
            raise click.ClickException(f"verification failed: {result.message}")
        click.echo(f"Backup verified: {result.message}.")


@backup.command("restore")
@click.argument("file")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_state
def restore(state: CliState, file: str, yes: bool) -> None:
    """Restore FILE into the configured database, which must be empty, with the data keys
    of the key file in SAFESLOT_BACKUP_DIR (shredded clients' keys are not there)."""
    config = state.app.config["SAFESLOT"]
    path = _locate(config, file)
    target = make_url(config.database_url).render_as_string(hide_password=True)
    try:
        backup_checks.check_restore_target(config)
    except RestoreRefused as error:
        raise click.ClickException(str(error)) from None
    if not yes:
        click.confirm(
            f"Restore {path.name} into {target}? The backup becomes this database's "
            "entire content.",
            abort=True,
        )
    try:
        restored = backup_checks.restore(config, path)
    except (
        BackupFileError,
        RestoreRefused,
        PostgresToolError,
        SQLiteRestoreError,
        FieldCryptoError,
    ) as error:
        raise click.ClickException(f"nothing was restored: {error}") from None
    except backup_checks.KeysNotLoaded as error:
        raise click.ClickException(str(error)) from None
    total = sum(restored.counts.values())
    click.echo(f"Restored {path.name}: {len(restored.counts)} tables, {total} rows.")
    keys = restored.keys
    click.echo(
        f"Data keys from {key_file.target(config).path}: {keys.live} loaded, "
        f"{keys.shredded} shredded (those clients' private fields read as unavailable)."
    )
    if keys.from_backup:
        click.echo(
            f"{keys.from_backup} data key(s) came from the backup itself (made by an older "
            "release) and are not in the key file."
        )
    if keys.missing:
        click.echo(
            f"WARNING: {len(keys.missing)} data key(s) the backup uses are not in the key "
            "file; the fields they sealed read as unavailable.",
            err=True,
        )
    if restored.differences:
        raise click.ClickException("row counts differ: " + "; ".join(restored.differences))
    revision = restored.checked.manifest.schema_revision
    click.echo(f"Schema revision {revision}; run `safeslot migrate` if this release is newer.")
