"""On PostgreSQL, `lock_schedule` (SELECT ... FOR UPDATE) serializes two transactions, and a
booking's lock also holds its customer's row."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.db import get_db
from app.db_locks import lock_schedule, lock_schedule_and_mark_changed
from app.models import Schedule, User
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


def test_a_booking_lock_holds_the_customer_until_it_ends(
    app: Flask, make_client, make_schedule, make_user
) -> None:
    """An erasure locks the customer's row for update: it must wait for a booking under
    way, which then commits an appointment of an account that was still open."""
    client = make_client()
    schedule, customer = make_schedule(client=client), make_user(client=client)
    engine = get_db(app).engine
    with Session(engine) as booking, Session(engine) as erasure:
        version, active = lock_schedule_and_mark_changed(
            booking, schedule.id, client_id=client.id, customer_id=customer.id
        )
        assert (version, active) == (schedule.rules_version, True)
        stmt = select(User.id).where(User.id == customer.id).with_for_update(nowait=True)
        with pytest.raises(OperationalError, match="could not obtain lock"):
            erasure.scalar(stmt)
        erasure.rollback()
        booking.rollback()
        assert erasure.scalar(stmt) == customer.id  # free again once the booking ended
        erasure.rollback()
