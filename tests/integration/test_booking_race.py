"""Twenty customers book one slot at the same moment through the API: only its places are taken.

Each thread has its own test client, signed in as its own customer; a barrier
releases all twenty POSTs at once. The schedule lock (`SELECT ... FOR UPDATE` on
PostgreSQL, `BEGIN IMMEDIATE` on SQLite) makes each booking re-check the slot after
the previous one committed, so the rest are told the time was just taken.
"""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app import create_app
from app.db import Base, get_db
from app.models import Appointment, AppointmentStatus
from tests import factories
from tests.api.conftest import MONDAY_10, NOW
from tests.api.helpers import api_sign_in, post_json
from tests.settings import make_test_config

CUSTOMERS = 20
#: Generous: a thread that is still waiting after this long means the test failed.
JOIN_TIMEOUT_SECONDS = 60


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.api.appointments.utcnow", lambda: NOW)


def race(app: Flask, session: Any, *, capacity: int) -> tuple[Counter, list[dict], int]:
    """Let CUSTOMERS customers book one slot at once; the statuses, errors, rows booked."""
    client = factories.make_client(session)
    service = factories.make_service(session, client=client, duration_minutes=30)
    schedule = factories.make_schedule(
        session, client=client, services=[service], capacity=capacity
    )
    signed_in = []
    for _ in range(CUSTOMERS):
        test_client = app.test_client()
        customer = factories.make_user(session, client=client)
        signed_in.append((test_client, api_sign_in(test_client, customer)))

    path = f"/api/v1/clients/{client.slug}/appointments"
    body = {
        "service": str(service.id),
        "schedule": str(schedule.id),
        "start": MONDAY_10.isoformat(),
    }
    barrier = threading.Barrier(CUSTOMERS)
    results: list[tuple[int, dict]] = []
    failures: list[BaseException] = []

    def book(test_client: Any, token: str) -> None:
        try:
            barrier.wait(JOIN_TIMEOUT_SECONDS)
            response = post_json(test_client, path, body, token)
            results.append((response.status_code, response.get_json()))
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    threads = [threading.Thread(target=book, args=pair) for pair in signed_in]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a booking never finished"
    assert not failures, failures

    booked = session.scalar(
        select(func.count())
        .select_from(Appointment)
        .where(
            Appointment.schedule_id == schedule.id,
            Appointment.start_at == MONDAY_10,
            Appointment.status != AppointmentStatus.CANCELLED,
        )
    )
    statuses = Counter(status for status, _ in results)
    errors = [body["error"] for status, body in results if status != 201]
    return statuses, errors, booked


def assert_refused_as_taken(errors: list[dict]) -> None:
    for error in errors:
        assert error["code"] == "slot_taken", error
        assert "just taken" in error["message"]


@pytest.mark.postgres
def test_one_to_one_slot_is_booked_exactly_once_on_postgres(app, db_session):
    assert get_db(app).engine.dialect.name == "postgresql"
    statuses, errors, booked = race(app, db_session, capacity=1)
    assert statuses == {201: 1, 409: CUSTOMERS - 1}
    assert_refused_as_taken(errors)
    assert booked == 1


@pytest.mark.postgres
def test_class_of_five_takes_exactly_five_on_postgres(app, db_session):
    statuses, errors, booked = race(app, db_session, capacity=5)
    assert statuses == {201: 5, 409: CUSTOMERS - 5}
    assert_refused_as_taken(errors)
    assert booked == 5


@pytest.fixture
def sqlite_app(tmp_path: Path):
    """The app on its own SQLite file, whatever DATABASE_URL says."""
    config = make_test_config(
        instance_path=tmp_path / "instance",
        database_url=f"sqlite:///{tmp_path / 'race.sqlite3'}",
    )
    application = create_app(config)
    engine = get_db(application).engine
    Base.metadata.create_all(engine)
    session = get_db(application).session()
    yield application, session
    session.close()
    engine.dispose()


def test_one_to_one_slot_is_booked_exactly_once_on_sqlite(sqlite_app):
    app, session = sqlite_app
    statuses, errors, booked = race(app, session, capacity=1)
    assert statuses == {201: 1, 409: CUSTOMERS - 1}
    assert_refused_as_taken(errors)
    assert booked == 1


def test_class_of_five_takes_exactly_five_on_sqlite(sqlite_app):
    app, session = sqlite_app
    statuses, errors, booked = race(app, session, capacity=5)
    assert statuses == {201: 5, 409: CUSTOMERS - 5}
    assert_refused_as_taken(errors)
    assert booked == 5
