"""On PostgreSQL, `lock_schedule` (SELECT ... FOR UPDATE) serializes two transactions."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import get_db
from app.db_locks import lock_schedule
from app.models import Schedule
from tests.concurrency import assert_second_writer_waits_for_first

pytestmark = pytest.mark.postgres


def test_second_transaction_blocks_until_the_first_commits(app: Flask, make_schedule) -> None:
    engine = get_db(app).engine
    assert engine.dialect.name == "postgresql"
    assert_second_writer_waits_for_first(engine, make_schedule().id)


def test_locking_one_schedule_does_not_block_another(app: Flask, make_schedule) -> None:
    engine = get_db(app).engine
    one, other = make_schedule(), make_schedule()
    with Session(engine) as first, Session(engine) as second:
        lock_schedule(first, one.id)
        # NOWAIT raises at once if the row is locked: it must not be.
        stmt = select(Schedule.id).where(Schedule.id == other.id).with_for_update(nowait=True)
        assert second.scalar(stmt) == other.id
        second.rollback()
        first.rollback()
