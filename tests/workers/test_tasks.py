"""Celery is built from the Flask app; tasks run in its context and call the services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Appointment, AppointmentStatus
from workers.beat import BEAT_SCHEDULE
from workers.celery_app import make_celery


def test_celery_accepts_json_only(app: Flask) -> None:
    celery = make_celery(app)
    assert celery.conf.task_serializer == "json"
    assert celery.conf.result_serializer == "json"
    assert list(celery.conf.accept_content) == ["json"]


def test_celery_takes_its_broker_from_the_app_config(app: Flask) -> None:
    celery = make_celery(app)
    config = app.config["SAFESLOT"]
    assert celery.conf.broker_url == config.celery_broker_url
    assert celery.conf.result_backend == config.celery_result_backend


def test_beat_completes_past_appointments_every_five_minutes() -> None:
    entry = BEAT_SCHEDULE["complete-past-appointments"]
    assert entry["task"] == "workers.tasks.complete_past_appointments"
    assert entry["schedule"] == timedelta(minutes=5)


def test_complete_past_appointments_task_runs_the_service_in_app_context(
    app: Flask, db_session: Session, make_appointment
) -> None:
    ended = make_appointment(start_at=datetime.now(UTC) - timedelta(hours=3))
    celery = make_celery(app)
    task = celery.tasks["workers.tasks.complete_past_appointments"]

    # Calling the task runs it here, through FlaskTask (which pushes the app context).
    assert task() == 1
    status = db_session.scalar(select(Appointment.status).where(Appointment.id == ended.id))
    assert status is AppointmentStatus.COMPLETED
    assert task() == 0
