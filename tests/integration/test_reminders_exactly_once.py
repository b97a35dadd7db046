"""Exactly once: two workers sweeping at the same moment, and a task delivered twice,
send each reminder and message once. Runs on the test database (SQLite by default);
the claim's row locks are checked on PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import get_db
from app.models.delivery import DeliveryStatus
from app.models.reminder import Reminder
from app.services import delivery_claims
from app.services.outbox_sending import send_due_messages
from app.services.reminders_sending import send_due_reminders
from tests.mail_server import running_mail_server, with_mail_server
from tests.services.reminders_setup import (
    BOOKED_AT,
    START,
    book_at,
    clock,
    due_reminders,
    make_world,
)

DUE = START - timedelta(days=1)
REMINDERS = 60
#: Bounded waits: a stuck thread fails the test instead of hanging it.
JOIN_SECONDS = 120


@pytest.fixture
def mail_server():
    with running_mail_server() as server:
        yield server


@pytest.fixture
def config(config, mail_server):
    return with_mail_server(config, mail_server)


@pytest.fixture
def world(db_session, make_client, make_service, make_schedule, make_user):
    return make_world(db_session, make_client, make_service, make_schedule, make_user)


def run_together(app, count, work):
    """Run `work(session)` in `count` threads, each with its own session, started at once."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []
    results: list[object] = []

    def worker() -> None:
        try:
            with app.app_context():
                session = get_db(app).session()
                try:
                    barrier.wait(30)
                    results.append(work(session))
                finally:
                    session.close()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_SECONDS)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    return results


def message_ids(mail_server):
    return Counter(str(message["Message-ID"]).strip() for message in mail_server.messages)


def two_workers_send_each_reminder_once(app, db_session, world, mail_server, count):
    due_reminders(db_session, world, count, due_at=DUE)
    reports = run_together(app, 2, lambda s: send_due_reminders(s, now=clock(DUE)))

    assert sum(report.sent for report in reports) == count
    counts = message_ids(mail_server)
    assert len(counts) == count
    assert max(counts.values()) == 1
    db_session.rollback()
    sent = db_session.scalar(select(func.count()).where(Reminder.status == DeliveryStatus.SENT))
    assert sent == count


def test_two_workers_sweeping_at_once_send_each_reminder_once(
    app, db_session, world, mail_server, monkeypatch
):
    # Small batches make the two workers interleave claim after claim.
    monkeypatch.setattr("app.services.delivery.BATCH", 3)
    two_workers_send_each_reminder_once(app, db_session, world, mail_server, REMINDERS)


@pytest.mark.postgres
def test_two_workers_on_postgres_take_disjoint_rows_and_send_each_reminder_once(
    app, db_session, world, mail_server, monkeypatch
):
    monkeypatch.setattr("app.services.delivery.BATCH", 2)
    two_workers_send_each_reminder_once(app, db_session, world, mail_server, 3 * REMINDERS)


def test_a_send_task_delivered_twice_sends_each_message_once(app, db_session, world, mail_server):
    book_at(db_session, world)
    book_at(db_session, world, start=START + timedelta(hours=1))
    from app.models.outbox import OutboxMessage

    ids = list(db_session.scalars(select(OutboxMessage.id)))
    assert len(ids) == 2
    reports = run_together(
        app, 2, lambda s: send_due_messages(s, now=clock(BOOKED_AT), only_ids=ids)
    )
    assert sum(report.sent for report in reports) == 2
    assert sorted(message_ids(mail_server).values()) == [1, 1]


@pytest.mark.postgres
def test_a_claim_skips_rows_another_worker_is_claiming_without_waiting(app, db_session, world):
    ids = due_reminders(db_session, world, 6, due_at=DUE)
    with Session(get_db(app).engine) as other:
        # Another worker is mid-claim: it holds row locks on three due reminders.
        locked = other.scalars(
            select(Reminder.id)
            .where(Reminder.id.in_(ids))
            .order_by(Reminder.due_at, Reminder.id)
            .limit(3)
            .with_for_update()
        ).all()
        claims: list[delivery_claims.Claim] = []

        def claim() -> None:
            with Session(get_db(app).engine) as session:
                claims.append(delivery_claims.claim_due(session, Reminder, now=DUE, limit=10))

        thread = threading.Thread(target=claim)
        thread.start()
        thread.join(JOIN_SECONDS)
        assert not thread.is_alive()  # it did not wait for the other worker's locks
        other.rollback()
    [taken] = claims
    assert len(taken.ids) == 3
    assert set(taken.ids) == set(ids) - set(locked)
