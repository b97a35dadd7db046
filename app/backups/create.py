"""Writing one encrypted backup file of a database, whatever its engine."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import make_url

from app.backups import postgres_dump, sqlite_dump
from app.backups.archive import POSTGRESQL, SQLITE, Manifest, write_manifest
from app.backups.format import DEFAULT_CHUNK_SIZE, BackupKey, EncryptingWriter

COPY_SIZE = 1024 * 1024


class UnsupportedDatabase(RuntimeError):
    """Backups know SQLite and PostgreSQL only."""


@dataclass(frozen=True)
class WrittenBackup:
    """What was written: size and SHA-256 of the encrypted file, rows per table."""

    size: int
    sha256: str
    table_counts: dict[str, int]


def engine_of(database_url: str) -> str:
    """ "sqlite" or "postgresql" for a SQLAlchemy URL; anything else is refused."""
    backend = make_url(database_url).get_backend_name()
    if backend not in (SQLITE, POSTGRESQL):
        raise UnsupportedDatabase(f"backups support SQLite and PostgreSQL, not {backend}")
    return backend


def ensure_directory(directory: Path) -> Path:
    """Create the backup directory (owner-only) if needed and keep it owner-only."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    return directory


def write_backup(
    database_url: str,
    dest: Path,
    key: BackupKey,
    *,
    manifest: Manifest,
    exclude_data: tuple[str, ...] = (),
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> WrittenBackup:
    """Write the encrypted backup of `database_url` to `dest` (owner-only), atomically.

    The file appears under its name only once complete and flushed to disk; on any
    failure nothing is left behind. Tables in `exclude_data` are backed up empty.
    """
    partial = dest.with_name(f".{dest.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            writer = EncryptingWriter(handle, key, chunk_size=chunk_size)
            manifest = replace(manifest, excluded_tables=sorted(exclude_data))
            counts = _write_dump(database_url, dest.parent, writer, manifest)
            writer.close()
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, dest)
        _sync_directory(dest.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        raise
    return WrittenBackup(writer.size, writer.sha256.hexdigest(), counts)


def _write_dump(
    database_url: str, work_parent: Path, writer: EncryptingWriter, manifest: Manifest
) -> dict[str, int]:
    if manifest.engine == SQLITE:
        return _write_sqlite(database_url, work_parent, writer, manifest)
    counts: dict[str, int] = {}

    def start(table_counts: dict[str, int]) -> None:
        counts.update(table_counts)
        write_manifest(writer, _with_counts(manifest, table_counts))

    excluded = tuple(manifest.excluded_tables)
    postgres_dump.dump(database_url, writer.write, before=start, exclude_data=excluded)
    return counts


def _write_sqlite(
    database_url: str, work_parent: Path, writer: EncryptingWriter, manifest: Manifest
) -> dict[str, int]:
    source = sqlite_dump.database_path(database_url)
    # The plain copy lives briefly in an owner-only directory beside the backups.
    with tempfile.TemporaryDirectory(dir=work_parent, prefix=".work-") as work:
        copy = Path(work) / "copy.sqlite3"
        sqlite_dump.copy_database(source, copy)
        sqlite_dump.empty_tables(copy, tuple(manifest.excluded_tables))
        counts = sqlite_dump.table_counts(copy)
        write_manifest(writer, _with_counts(manifest, counts))
        with open(copy, "rb") as plain:
            shutil.copyfileobj(plain, writer, COPY_SIZE)
    return counts


def _with_counts(manifest: Manifest, counts: dict[str, int]) -> Manifest:
    return replace(manifest, tables=dict(counts))


def _sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
