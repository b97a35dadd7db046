"""SQLite: a consistent copy through the online backup API, row counts, restore."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import make_url

#: Copy every page in one step: one read transaction, so the copy is one consistent
#: state and is never restarted by a writer (in WAL mode it does not block writers).
#: Memory stays flat: the destination's page cache spills to its file as it fills.
ALL_PAGES = -1


class SQLiteRestoreError(RuntimeError):
    """The decrypted file is not a sound SQLite database."""


def database_path(url: str) -> Path:
    """The file of an SQLite SQLAlchemy URL."""
    name = make_url(url).database
    if not name or name == ":memory:":
        raise ValueError("an in-memory SQLite database cannot be backed up or restored")
    return Path(name)


@contextlib.contextmanager
def _connect(path: Path, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    # A URI, so that read-only is enforced; quoted, so that "?" or "#" in a path is safe.
    target = f"file:{quote(str(path))}" + ("?mode=ro" if read_only else "")
    connection = sqlite3.connect(target, uri=True, isolation_level=None)
    try:
        yield connection
    finally:
        connection.close()


def copy_database(source: Path, dest: Path) -> None:
    """Copy the live database `source` into the new file `dest` (owner-only), consistently."""
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    with _connect(source, read_only=True) as src, _connect(dest) as dst:
        src.backup(dst, pages=ALL_PAGES)
        # A standalone file: no -wal/-shm companions to lose on the way.
        dst.execute("PRAGMA journal_mode = DELETE")


def empty_tables(path: Path, names: tuple[str, ...]) -> None:
    """Delete every row of the tables `names` in the copy at `path`, leaving no trace.

    `secure_delete` overwrites the freed space with zeros, so the rows' bytes are gone
    from the file itself, not only unreachable; the tables' schema stays.
    """
    with _connect(path) as connection:
        # A scratch copy: no journal on disk and no fsync (it is encrypted, then deleted).
        connection.execute("PRAGMA journal_mode = MEMORY")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("PRAGMA secure_delete = ON")
        present = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        for name in names:
            if name in present:
                connection.execute(f'DELETE FROM "{_quoted(name)}"')  # noqa: S608 (our table names)


def table_counts(path: Path) -> dict[str, int]:
    """Rows per table of the database file `path`."""
    with _connect(path, read_only=True) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            name: connection.execute(f'SELECT count(*) FROM "{_quoted(name)}"').fetchone()[0]  # noqa: S608 (names come from sqlite_master)
            for name in names
        }


def _quoted(name: str) -> str:
    return name.replace('"', '""')


def check_integrity(path: Path) -> None:
    """Raise `SQLiteRestoreError` unless `path` is an intact SQLite database."""
    try:
        with _connect(path, read_only=True) as connection:
            result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError:
        raise SQLiteRestoreError("the backup does not contain a readable SQLite database") from None
    if result != "ok":
        raise SQLiteRestoreError("the backup's SQLite database failed its integrity check")


def is_empty(path: Path) -> bool:
    """True when `path` does not exist or holds no tables."""
    if not path.exists() or path.stat().st_size == 0:
        return True
    with _connect(path, read_only=True) as connection:
        row = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view')"
        ).fetchone()
    return row[0] == 0


def restore_into(source: Path, target: Path) -> None:
    """Copy the database file `source` into `target` (which the caller found empty)."""
    with _connect(source, read_only=True) as src, _connect(target) as dst:
        src.backup(dst, pages=ALL_PAGES)
    with contextlib.suppress(OSError):
        os.chmod(target, 0o600)
