"""PostgreSQL: `pg_dump -Fc` of one snapshot with its row counts, and `pg_restore`.

Connection details go to the client programs through libpq environment variables, so a
password never appears on a command line (where `ps` would show it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess  # noqa: S404 (runs pg_dump/pg_restore with fixed arguments, no shell)
import tempfile
import uuid
from collections.abc import Callable, Iterator
from typing import BinaryIO

from sqlalchemy import Connection, make_url, text

from app.db import create_db_engine

READ_SIZE = 64 * 1024
_TABLES = text(
    "SELECT table_schema, table_name FROM information_schema.tables "
    "WHERE table_type = 'BASE TABLE' "
    "AND table_schema NOT IN ('pg_catalog', 'information_schema') "
    "ORDER BY table_schema, table_name"
)


class PostgresToolError(RuntimeError):
    """pg_dump or pg_restore failed or is missing; the message says which and why."""


def libpq_environment(url: str) -> dict[str, str]:
    """PG* environment variables naming the database of the SQLAlchemy `url`."""
    parsed = make_url(url)
    env = {
        "PGHOST": parsed.host or "",
        "PGPORT": str(parsed.port or ""),
        "PGUSER": parsed.username or "",
        "PGPASSWORD": parsed.password or "",
        "PGDATABASE": parsed.database or "",
    }
    if "sslmode" in parsed.query:
        env["PGSSLMODE"] = str(parsed.query["sslmode"])
    return {name: value for name, value in env.items() if value}


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise PostgresToolError(f"{name} is not installed (install the PostgreSQL client tools)")
    return path


def _environment(url: str) -> dict[str, str]:
    # Only what the tool needs: PATH, locale, and the connection.
    keep = {name: os.environ[name] for name in ("PATH", "LANG", "LC_ALL") if name in os.environ}
    return {**keep, **libpq_environment(url)}


def table_counts(connection: Connection) -> dict[str, int]:
    """Rows per table, seen by `connection`'s transaction."""
    counts: dict[str, int] = {}
    for schema, name in connection.execute(_TABLES).all():
        qualified = f'"{schema}"."{name}"'
        key = name if schema == "public" else f"{schema}.{name}"
        counts[key] = connection.execute(text(f"SELECT count(*) FROM {qualified}")).scalar_one()  # noqa: S608 (names from the catalog)
    return counts


def dump(
    url: str,
    write: Callable[[bytes], object],
    *,
    before: Callable[[dict[str, int]], None],
    exclude_data: tuple[str, ...] = (),
) -> None:
    """Stream `pg_dump -Fc` of `url` into `write`, first giving `before` the row counts.

    The counts and the dump read the same exported snapshot, so they agree even while
    the application keeps writing. Tables in `exclude_data` keep their schema but none
    of their rows, and are counted as the dump holds them: empty.
    """
    program = _program("pg_dump")
    engine = create_db_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as connection:
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            counts = table_counts(connection)
            before({name: 0 if name in exclude_data else n for name, n in counts.items()})
            _run_dump(program, url, snapshot, write, exclude_data)
            connection.rollback()
    finally:
        engine.dispose()


def _run_dump(
    program: str,
    url: str,
    snapshot: str,
    write: Callable[[bytes], object],
    exclude_data: tuple[str, ...],
) -> None:
    excluded = [f"--exclude-table-data=public.{name}" for name in exclude_data]
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
            [program, "--format=custom", f"--snapshot={snapshot}", "--no-password", *excluded],
            stdout=subprocess.PIPE,
            stderr=errors,
            env=_environment(url),
        )
        stdout = process.stdout
        if stdout is None:  # pragma: no cover (Popen with PIPE always has one)
            raise PostgresToolError("pg_dump gave no output stream")
        try:
            while chunk := stdout.read(READ_SIZE):
                write(chunk)
        finally:
            stdout.close()
            code = process.wait()
        if code != 0:
            raise PostgresToolError(f"pg_dump failed ({_last_line(errors)})")


def _last_line(errors: BinaryIO) -> str:
    """The tool's first error line; never its DETAIL or the command, which can quote rows."""
    errors.seek(0)
    for line in errors.read().decode(errors="replace").splitlines():
        if "error:" in line.lower():
            return line.split("DETAIL:")[0].strip()[:200]
    return "no error message"


def restore(url: str, source: BinaryIO) -> None:
    """Feed the `pg_dump -Fc` stream `source` to pg_restore into `url`, all or nothing."""
    program = _program("pg_restore")
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
            [
                program,
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                "--no-privileges",
                "--no-password",
                f"--dbname={make_url(url).database}",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=_environment(url),
        )
        stdin = process.stdin
        if stdin is None:  # pragma: no cover (Popen with PIPE always has one)
            raise PostgresToolError("pg_restore took no input stream")
        try:
            while chunk := source.read(READ_SIZE):
                stdin.write(chunk)
        except BrokenPipeError:
            pass  # pg_restore stopped early; its exit status says why
        except BaseException:
            # The input went bad half-way: stop pg_restore so its transaction rolls back.
            process.kill()
            process.wait()
            raise
        finally:
            with contextlib.suppress(BrokenPipeError):
                stdin.close()
        if process.wait() != 0:
            raise PostgresToolError(f"pg_restore failed ({_last_line(errors)})")


def is_empty(url: str) -> bool:
    """True when the database of `url` has no tables outside the system schemas."""
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            return not connection.execute(_TABLES).first()
    finally:
        engine.dispose()


@contextlib.contextmanager
def scratch_database(url: str) -> Iterator[str]:
    """A new, empty database on `url`'s server, dropped afterwards; yields its URL."""
    parsed = make_url(url)
    name = f"{parsed.database}_verify_{uuid.uuid4().hex[:12]}"
    admin = create_db_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield parsed.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
