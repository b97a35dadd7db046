"""`lock_schedule` serializes writers on SQLite (BEGIN IMMEDIATE) and insists on going first."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.db import Base, create_db_engine
from app.db_locks import LockOrderError, lock_schedule
from app.errors import NotFound
from app.models import Schedule
from tests import factories
from tests.concurrency import assert_second_writer_waits_for_first


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'locks.sqlite3'}")
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def schedule_id(sqlite_engine: Engine) -> uuid.UUID:
    with Session(sqlite_engine) as session:
        return factories.make_schedule(session).id


def test_sqlite_second_writer_waits_until_the_first_commits(
    sqlite_engine: Engine, schedule_id: uuid.UUID
) -> None:
    assert_second_writer_waits_for_first(sqlite_engine, schedule_id)


def test_sqlite_lock_must_open_the_transaction(
    sqlite_engine: Engine, schedule_id: uuid.UUID
) -> None:
    with Session(sqlite_engine) as session:
        session.execute(select(Schedule.id))
        with pytest.raises(LockOrderError):
            lock_schedule(session, schedule_id)


def test_sqlite_locking_twice_in_one_transaction_is_harmless(
    sqlite_engine: Engine, schedule_id: uuid.UUID
) -> None:
    with Session(sqlite_engine) as session:
        lock_schedule(session, schedule_id)
        lock_schedule(session, schedule_id)
        session.commit()


def test_locking_a_missing_schedule_is_not_found(db_session: Session) -> None:
    with pytest.raises(NotFound):
        lock_schedule(db_session, uuid.uuid4())
