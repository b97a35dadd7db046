"""UTCDateTime stores aware UTC and gives back aware UTC, on SQLite and the test database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, Table, insert, select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from app.db import UTCDateTime, create_db_engine

metadata = MetaData()
stamps = Table(
    "utc_stamps",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime(), nullable=True),
)
LONDON_SUMMER = datetime(2030, 7, 1, 9, 30, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'stamps.sqlite3'}")
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def round_trip(engine: Engine, value: datetime | None) -> datetime | None:
    with engine.begin() as connection:
        row_id = connection.execute(insert(stamps).values(at=value)).inserted_primary_key[0]
        return connection.scalar(select(stamps.c.at).where(stamps.c.id == row_id))


def test_sqlite_returns_the_same_instant_as_aware_utc(sqlite_engine: Engine) -> None:
    back = round_trip(sqlite_engine, LONDON_SUMMER)
    assert back == LONDON_SUMMER
    assert back.tzinfo is UTC
    assert back.hour == 8  # 09:30 BST is 08:30 UTC


def test_sqlite_keeps_microseconds_and_null(sqlite_engine: Engine) -> None:
    precise = datetime(2030, 1, 1, 12, 0, 0, 123456, tzinfo=UTC)
    assert round_trip(sqlite_engine, precise) == precise
    assert round_trip(sqlite_engine, None) is None


def test_naive_datetimes_are_refused(sqlite_engine: Engine) -> None:
    with pytest.raises(StatementError, match="naive"):
        round_trip(sqlite_engine, datetime(2030, 1, 1, 12, 0))  # noqa: DTZ001


def test_comparisons_in_queries_use_the_utc_instant(sqlite_engine: Engine) -> None:
    round_trip(sqlite_engine, datetime(2030, 1, 1, 12, 0, tzinfo=UTC))
    plus_two = timezone(timedelta(hours=2))
    with sqlite_engine.connect() as connection:
        # 13:30+02:00 is 11:30 UTC: before the stored 12:00 UTC.
        later = connection.scalars(
            select(stamps.c.at).where(stamps.c.at > datetime(2030, 1, 1, 13, 30, tzinfo=plus_two))
        ).all()
    assert later == [datetime(2030, 1, 1, 12, 0, tzinfo=UTC)]


def test_the_test_database_round_trips_model_timestamps(db_session: Session, make_client) -> None:
    client = make_client(created_at=LONDON_SUMMER)
    db_session.expire_all()
    assert client.created_at == LONDON_SUMMER
    assert client.created_at.utcoffset() == timedelta(0)
