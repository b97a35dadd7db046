"""The nightly retention task runs the retention service in the app's context."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from celery.schedules import crontab
from sqlalchemy import select

from app.models import Appointment, LoginAttempt
from tests.services.security_setup import make_attempt
from workers.beat import BEAT_SCHEDULE
from workers.celery_app import make_celery


def test_beat_applies_retention_every_night() -> None:
    entry = BEAT_SCHEDULE["apply-retention"]
    assert entry["task"] == "workers.tasks.apply_retention"
    assert isinstance(entry["schedule"], crontab)
    assert entry["schedule"].hour == {3}


def test_the_task_deletes_what_has_outlived_the_periods_once(
    app, db_session, make_client, make_schedule, make_appointment
) -> None:
    now = datetime.now(UTC)
    client = make_client(appointment_retention_days=30, login_log_retention_days=30)
    schedule = make_schedule(client=client)
    old = make_appointment(schedule=schedule, start_at=now - timedelta(days=45))
    recent = make_appointment(schedule=schedule, start_at=now - timedelta(days=5))
    elsewhere = make_appointment(start_at=now - timedelta(days=45))  # a client that keeps all
    old_attempt = make_attempt(db_session, client, at=now - timedelta(days=31)).id
    new_attempt = make_attempt(db_session, client, at=now - timedelta(days=1)).id
    task = make_celery(app).tasks["workers.tasks.apply_retention"]

    first = task()
    second = task()

    assert first == {"appointments": 1, "login_attempts": 1}
    assert second == {"appointments": 0, "login_attempts": 0}
    db_session.rollback()
    assert set(db_session.scalars(select(Appointment.id))) == {recent.id, elsewhere.id}
    assert old.id not in set(db_session.scalars(select(Appointment.id)))
    assert set(db_session.scalars(select(LoginAttempt.id))) == {new_attempt}
    assert old_attempt != new_attempt
