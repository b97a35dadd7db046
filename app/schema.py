"""Running the Alembic migrations in `migrations/` from code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from app.config import PROJECT_ROOT

MIGRATIONS_PATH = PROJECT_ROOT / "migrations"


def alembic_config(connection: Connection | None = None) -> AlembicConfig:
    """An Alembic configuration for `migrations/`, optionally bound to `connection`."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_PATH))
    config.attributes["connection"] = connection
    return config


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    """Apply the migrations up to `revision` in one transaction."""
    with (
        engine.connect() as connection,
        _sqlite_table_rebuilds_allowed(connection),
        connection.begin(),
    ):
        command.upgrade(alembic_config(connection), revision)
        _refuse_broken_references(connection)


@contextmanager
def _sqlite_table_rebuilds_allowed(connection: Connection) -> Iterator[None]:
    """On SQLite, switch foreign-key enforcement off for the length of the migration.

    SQLite alters a table by copying it into a new one and dropping the old: with
    enforcement on, dropping a table other rows refer to fails, so upgrading a database
    that holds data would. The switch only works outside a transaction, so it is set on
    the driver's connection before BEGIN; the references are checked before the commit.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    driver = connection.connection.driver_connection
    driver.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        driver.execute("PRAGMA foreign_keys = ON")


def _refuse_broken_references(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({row[0] for row in broken})
        raise RuntimeError(f"the migration left rows without their parent in: {', '.join(tables)}")


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None if it was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision in `migrations/`."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
