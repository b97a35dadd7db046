"""The mail tasks: thin, run in the app's context, and harmless when repeated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db import utcnow
from app.models.delivery import DeliveryStatus
from app.models.outbox import OutboxMessage
from app.services.outbox import enqueue_email
from tests.mail_server import running_mail_server, with_mail_server
from tests.services.reminders_setup import due_reminders, make_world
from workers.beat import BEAT_SCHEDULE
from workers.celery_app import make_celery


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


def test_beat_sends_due_mail_every_minute():
    entry = BEAT_SCHEDULE["send-due-mail"]
    assert entry["task"] == "workers.tasks.send_due_mail"
    assert entry["schedule"] == timedelta(minutes=1)


def test_the_sweep_task_sends_due_reminders_and_queued_mail_once(
    app, db_session, world, mail_server
):
    due_reminders(db_session, world, 2, due_at=utcnow() - timedelta(minutes=1))
    enqueue_email(
        db_session,
        client_id=world.client.id,
        template="account_locked",
        context={"locked_until": None},
        to_user_id=world.customer.id,
        kind="lockout",
    )
    db_session.commit()
    task = make_celery(app).tasks["workers.tasks.send_due_mail"]

    assert task() == {"reminders_sent": 2, "messages_sent": 1}
    assert task() == {"reminders_sent": 0, "messages_sent": 0}
    assert len(mail_server.messages) == 3


def test_the_send_task_takes_ids_as_text_and_sends_each_once(app, db_session, world, mail_server):
    enqueue_email(
        db_session,
        client_id=world.client.id,
        template="account_locked",
        context={},
        to_user_id=world.customer.id,
    )
    db_session.commit()
    message_id = db_session.scalar(select(OutboxMessage.id))
    task = make_celery(app).tasks["workers.tasks.send_outbox_messages"]

    assert task([str(message_id)]) == 1
    assert task([str(message_id)]) == 0
    assert len(mail_server.messages) == 1
    db_session.rollback()  # a fresh read, not the open transaction's snapshot
    assert db_session.get(OutboxMessage, message_id).status is DeliveryStatus.SENT
