"""End to end on the production broker: a real Celery worker on Redis sends a reminder."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker

from app.db import utcnow
from app.mail.settings import Dispatch
from app.models.delivery import DeliveryStatus
from app.models.reminder import Reminder
from tests.mail_server import running_mail_server, with_mail_server
from tests.services.reminders_setup import START, book_at, due_reminders, make_world
from tests.settings import redis_url
from workers.celery_app import make_celery

pytestmark = pytest.mark.redis

#: Upper bound on waiting for the worker; the test fails rather than hangs.
WAIT_SECONDS = 60


@pytest.fixture
def mail_server():
    with running_mail_server() as server:
        yield server


@pytest.fixture
def config(config, mail_server):
    url = redis_url()
    return with_mail_server(config, mail_server).with_overrides(
        redis_url=url, celery_broker_url=url, celery_result_backend=url
    )


@pytest.fixture
def world(db_session, make_client, make_service, make_schedule, make_user):
    return make_world(db_session, make_client, make_service, make_schedule, make_user)


def wait_for(condition) -> bool:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_worker_on_redis_sends_a_due_reminder_once(app, db_session, world, mail_server):
    [reminder_id] = due_reminders(db_session, world, 1, due_at=utcnow() - timedelta(minutes=1))
    celery = make_celery(app)
    with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        # The beat's task, delivered twice, as a broker may after a lost acknowledgement.
        celery.send_task("workers.tasks.send_due_mail")
        celery.send_task("workers.tasks.send_due_mail")
        assert wait_for(lambda: len(mail_server.messages) >= 1)

        def sent() -> bool:
            db_session.rollback()  # a fresh read, not the open transaction's snapshot
            return db_session.get(Reminder, reminder_id).status is DeliveryStatus.SENT

        assert wait_for(sent)
    [message] = mail_server.messages
    assert message["Subject"] == "Reminder: your appointment with Riverside Counselling"


def test_a_booking_notice_reaches_the_worker_right_after_the_commit(
    app, db_session, world, mail_server
):
    config = app.config["SAFESLOT"]
    app.config["SAFESLOT"] = config.with_overrides(
        mail=replace(config.mail, dispatch=Dispatch.CELERY)
    )
    celery = make_celery(app)
    with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        # No sweep runs here: only the task sent after the commit can deliver it.
        with app.app_context():
            book_at(db_session, world, start=START + timedelta(days=30), now=START)
        assert wait_for(lambda: len(mail_server.messages) >= 1)
    [message] = mail_server.messages
    assert message["Subject"] == "Appointment confirmed: Riverside Counselling"
