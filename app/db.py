"""Database wiring: declarative base, UTC timestamps, engine, sessions per request."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import DateTime, Engine, MetaData, create_engine, event, make_url
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator

#: Constraint names are deterministic so migrations (and SQLite batch mode) can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Execution option naming how the SQLite `BEGIN` of a connection's transaction is issued.
SQLITE_BEGIN_MODE = "safeslot_sqlite_begin"
_SQLITE_BEGIN_STATEMENTS = {
    "DEFERRED": "BEGIN DEFERRED",
    "IMMEDIATE": "BEGIN IMMEDIATE",
}
#: How long a SQLite writer waits for another writer before giving up.
SQLITE_BUSY_TIMEOUT_MS = 15_000

_EXTENSION_KEY = "safeslot.db"


def utcnow() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned as an aware UTC datetime.

    Naive datetimes are refused: their meaning depends on a zone nobody wrote down.
    SQLite keeps no zone, so values are stored there as naive UTC text.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"UTCDateTime needs a datetime, not {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("UTCDateTime refuses naive datetimes; attach a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every model; every `Mapped[datetime]` is a `UTCDateTime`."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and explicit transactions."""
    # Statement parameters can hold private fields: keep them out of error messages.
    kwargs.setdefault("hide_parameters", True)
    if make_url(url).get_backend_name() == "sqlite":
        kwargs.setdefault("connect_args", {}).setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    # The pysqlite driver opens transactions on its own terms (not before SELECT, never
    # IMMEDIATE). Following the SQLAlchemy recipe, turn that off and emit BEGIN ourselves,
    # so every transaction is explicit and a writer can ask for BEGIN IMMEDIATE.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_MS)}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN_MODE, "DEFERRED")
        connection.exec_driver_sql(_SQLITE_BEGIN_STATEMENTS[mode])


@dataclass(frozen=True)
class Database:
    """The engine and session factory of one application."""

    engine: Engine
    sessionmaker: sessionmaker[Session]

    @classmethod
    def from_url(cls, url: str, **engine_kwargs: Any) -> Database:
        """Create the engine and a session factory for `url`."""
        engine = create_db_engine(url, **engine_kwargs)
        # Objects stay readable after a service commits (templates render them afterwards).
        return cls(engine, sessionmaker(engine, expire_on_commit=False))

    def session(self) -> Session:
        """A new session; the caller closes it."""
        return self.sessionmaker()


def init_app(app: Flask, database_url: str) -> Database:
    """Attach a `Database` to `app` and close request sessions at teardown."""
    database = Database.from_url(database_url)
    app.extensions[_EXTENSION_KEY] = database
    app.teardown_request(_close_scoped_session)
    app.teardown_appcontext(_close_scoped_session)
    return database


def get_db(app: Flask | None = None) -> Database:
    """The `Database` of `app` (default: the current app)."""
    return (app or current_app).extensions[_EXTENSION_KEY]


def get_session() -> Session:
    """The session of the current request (or app context), created on first use."""
    if "db_session" not in g:
        g.db_session = get_db().session()
    return g.db_session


def _close_scoped_session(_exc: BaseException | None = None) -> None:
    # Closing rolls back whatever no service committed.
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
