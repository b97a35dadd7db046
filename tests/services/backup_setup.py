"""Helpers for backup tests: an application on its own SQLite file, and the rows in it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from app import create_app
from app.backups.sqlite_dump import is_empty
from app.db import Base, create_db_engine, get_db
from tests.settings import make_test_config

#: One backup key for every application of a test, as one deployment would have.
BACKUP_KEY = bytes(range(100, 132))
OTHER_BACKUP_KEY = bytes(range(200, 232))


@contextlib.contextmanager
def sqlite_app(
    tmp_path: Path, name: str = "own.sqlite3", *, schema: bool = True, **overrides: Any
) -> Iterator[Flask]:
    """An app on the SQLite file `tmp_path/name`, backups in `tmp_path/backups`."""
    values: dict[str, Any] = {"backup_dir": tmp_path / "backups", "backup_key": BACKUP_KEY}
    values.update(overrides)
    config = make_test_config(
        instance_path=tmp_path / "instance",
        database_url=f"sqlite:///{tmp_path / name}",
        **values,
    )
    app = create_app(config)
    if schema:
        Base.metadata.create_all(get_db(app).engine)
    try:
        yield app
    finally:
        get_db(app).engine.dispose()


def wipe_sqlite(path: Path) -> None:
    """Delete an SQLite database and its companions, as a lost disk would."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def has_no_tables(path: Path) -> bool:
    """True when the SQLite file at `path` is missing or has no tables."""
    return is_empty(path)


def rows(url: str, statement: Any) -> list[Any]:
    """Run `statement` on a fresh engine for `url`."""
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(statement).all())
    finally:
        engine.dispose()


__all__ = ["BACKUP_KEY", "OTHER_BACKUP_KEY", "select", "sqlite_app", "wipe_sqlite"]
