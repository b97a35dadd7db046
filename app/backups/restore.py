"""Checking a backup file and restoring it: nothing is restored until every byte checks out.

A restore first reads the whole file once, authenticating every chunk (and comparing its
SHA-256 with the recorded one when there is one); only then does it restore, and a
PostgreSQL restore runs in one transaction, so a failure half-way leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.backups import postgres_dump, sqlite_dump
from app.backups.archive import POSTGRESQL, SQLITE, Manifest, read_manifest
from app.backups.create import COPY_SIZE, engine_of
from app.backups.format import BackupFileError, BackupKey, DecryptingReader, decrypt_chunks

HASH_READ = 1024 * 1024


class RestoreRefused(Exception):
    """The restore cannot go ahead; nothing was changed. The message says why."""


@dataclass(frozen=True)
class CheckedFile:
    """A backup file that decrypted and authenticated completely."""

    path: Path
    size: int
    sha256: str
    manifest: Manifest


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of the file at `path`, read in pieces."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(HASH_READ):
            digest.update(block)
    return digest.hexdigest()


def check_file(path: Path, key: BackupKey, *, expected_sha256: str | None = None) -> CheckedFile:
    """Authenticate all of `path` and read its manifest; raises `BackupFileError` if unsound."""
    if not path.is_file():
        raise BackupFileError(f"no backup file at {path}")
    sha256 = file_sha256(path)
    if expected_sha256 is not None and sha256 != expected_sha256:
        raise BackupFileError(
            "the backup file's SHA-256 differs from the one recorded when it was made "
            "(the file was altered or replaced)"
        )
    with open(path, "rb") as handle:
        for _chunk in decrypt_chunks(handle, key):
            pass
    with open(path, "rb") as handle:
        manifest = read_manifest(DecryptingReader(handle, key))
    return CheckedFile(path, path.stat().st_size, sha256, manifest)


def restore_file(checked: CheckedFile, key: BackupKey, target_url: str, *, work_dir: Path) -> None:
    """Restore the checked backup into the empty database `target_url`."""
    target_engine = check_engine(checked, target_url)
    if not is_empty(target_url):
        raise RestoreRefused(
            "the target database is not empty: restore only into a new, empty database"
        )
    if target_engine == SQLITE:
        _restore_sqlite(checked.path, key, sqlite_dump.database_path(target_url), work_dir)
    else:
        with open(checked.path, "rb") as handle:
            reader = DecryptingReader(handle, key)
            read_manifest(reader)
            postgres_dump.restore(target_url, reader)


def check_engine(checked: CheckedFile, target_url: str) -> str:
    """The target's engine; `RestoreRefused` unless the backup was made on the same one."""
    target_engine = engine_of(target_url)
    if checked.manifest.engine != target_engine:
        raise RestoreRefused(
            f"this is a {checked.manifest.engine} backup; it cannot be restored into "
            f"a {target_engine} database"
        )
    return target_engine


def is_empty(url: str) -> bool:
    """True when the database of `url` has no tables."""
    if engine_of(url) == SQLITE:
        return sqlite_dump.is_empty(sqlite_dump.database_path(url))
    return postgres_dump.is_empty(url)


def _restore_sqlite(path: Path, key: BackupKey, target: Path, work_dir: Path) -> None:
    with tempfile.TemporaryDirectory(dir=work_dir, prefix=".restore-") as work:
        plain = Path(work) / "restore.sqlite3"
        _decrypt_to(path, key, plain)
        sqlite_dump.check_integrity(plain)
        sqlite_dump.restore_into(plain, target)


def _decrypt_to(path: Path, key: BackupKey, dest: Path) -> Manifest:
    with open(path, "rb") as handle, open(dest, "xb") as out:
        reader = DecryptingReader(handle, key)
        manifest = read_manifest(reader)
        shutil.copyfileobj(reader, out, COPY_SIZE)
    return manifest


def counts_of(url: str) -> dict[str, int]:
    """Rows per table of the database at `url`."""
    if engine_of(url) == SQLITE:
        return sqlite_dump.table_counts(sqlite_dump.database_path(url))
    engine = postgres_dump.create_db_engine(url)
    try:
        with engine.connect() as connection:
            return postgres_dump.table_counts(connection)
    finally:
        engine.dispose()


def count_differences(expected: dict[str, int], found: dict[str, int]) -> list[str]:
    """Tables whose row count differs, as short phrases (names and numbers only)."""
    differences = []
    for table in sorted(set(expected) | set(found)):
        if expected.get(table) != found.get(table):
            differences.append(
                f"{table}: {expected.get(table, 'absent')} → {found.get(table, 'absent')}"
            )
    return differences


def restore_to_scratch(
    checked: CheckedFile,
    key: BackupKey,
    database_url: str,
    work_dir: Path,
    then: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Restore into a scratch database, dropped afterwards; returns its row counts.

    `then`, if given, is called with the scratch database's URL once the counts are
    taken, before it is dropped (to load and check the data keys).
    """
    # SQLite: a temporary file. PostgreSQL: a database created and dropped on the
    # server of `database_url`.
    if checked.manifest.engine == SQLITE:
        with tempfile.TemporaryDirectory(dir=work_dir, prefix=".verify-") as work:
            target = Path(work) / "scratch.sqlite3"
            restore_file(checked, key, f"sqlite:///{target}", work_dir=Path(work))
            counts = sqlite_dump.table_counts(target)
            if then is not None:
                then(f"sqlite:///{target}")
            return counts
    if engine_of(database_url) != POSTGRESQL:
        raise RestoreRefused(
            "a PostgreSQL backup can be verified only with DATABASE_URL naming a PostgreSQL server"
        )
    with postgres_dump.scratch_database(database_url) as scratch_url:
        restore_file(checked, key, scratch_url, work_dir=work_dir)
        counts = counts_of(scratch_url)
        if then is not None:
            then(scratch_url)
        return counts
