"""Retention: each client's periods delete exactly what has outlived them, nothing else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.errors import AccessDenied
from app.models import Appointment, AppointmentStatus, AppointmentStatusChange, LoginAttempt, Role
from app.models.audit import AuditEvent
from app.scope import Scope
from app.services import retention
from app.services.retention import RetentionInvalid, RetentionSettings
from tests.services.security_setup import make_attempt

NOW = datetime(2031, 6, 1, 3, 0, tzinfo=UTC)


def _ids(session, model, *conditions) -> set:
    session.expire_all()
    return set(session.scalars(select(model.id).where(*conditions)))


@pytest.fixture
def clinic(make_client, make_user, make_service, make_schedule):
    client = make_client(appointment_retention_days=90, login_log_retention_days=30)
    service = make_service(client=client)
    schedule = make_schedule(client=client, services=[service])
    return client, make_user(client=client), service, schedule


def test_appointments_past_the_period_go_with_their_history(
    db_session, clinic, make_appointment
) -> None:
    client, customer, service, schedule = clinic

    def ended(days_ago: float, status=AppointmentStatus.COMPLETED):
        start = NOW - timedelta(days=days_ago) - timedelta(minutes=30)
        return make_appointment(
            schedule=schedule, service=service, customer=customer, start_at=start, status=status
        ).id

    old = {ended(91), ended(400, AppointmentStatus.CANCELLED), ended(90.01)}
    kept = {ended(89.99), ended(10), ended(-5, AppointmentStatus.CONFIRMED)}

    run = retention.apply_retention(db_session, NOW, batch_size=2)

    assert run.appointments == 3
    assert _ids(db_session, Appointment) == kept
    left = _ids(
        db_session, AppointmentStatusChange, AppointmentStatusChange.appointment_id.in_(old)
    )
    assert left == set()


def test_login_log_entries_past_the_period_go(db_session, clinic) -> None:
    client, customer, _service, _schedule = clinic
    old = {
        make_attempt(db_session, client, customer, at=NOW - timedelta(days=d)).id for d in (31, 300)
    }
    kept = {
        make_attempt(db_session, client, customer, at=NOW - timedelta(days=d)).id for d in (29, 1)
    }

    run = retention.apply_retention(db_session, NOW, batch_size=1)

    assert run.login_attempts == len(old)
    assert _ids(db_session, LoginAttempt) == kept


def test_each_client_keeps_its_own_periods(
    db_session, clinic, make_client, make_appointment
) -> None:
    client, customer, service, schedule = clinic
    # The default: appointments kept while the account is active, the log for 365 days.
    default = make_client()
    theirs = make_appointment(
        start_at=NOW - timedelta(days=2000), customer=None, schedule=None, service=None
    )
    assert theirs.client_id != client.id
    recent_log = make_attempt(db_session, default, None, at=NOW - timedelta(days=364)).id
    old_log = make_attempt(db_session, default, None, at=NOW - timedelta(days=366)).id

    retention.apply_retention(db_session, NOW)

    assert theirs.id in _ids(db_session, Appointment)
    assert _ids(db_session, LoginAttempt, LoginAttempt.client_id == default.id) == {recent_log}
    assert old_log not in _ids(db_session, LoginAttempt)


def test_a_second_run_deletes_nothing(db_session, clinic, make_appointment) -> None:
    client, customer, service, schedule = clinic
    make_appointment(
        schedule=schedule, service=service, customer=customer, start_at=NOW - timedelta(days=200)
    )
    make_attempt(db_session, client, customer, at=NOW - timedelta(days=100))

    first = retention.apply_retention(db_session, NOW)
    second = retention.apply_retention(db_session, NOW)

    assert (first.appointments, first.login_attempts) == (1, 1)
    assert (second.appointments, second.login_attempts) == (0, 0)


@pytest.mark.parametrize(
    ("appointments", "login_log", "bad"),
    [
        ("29", "365", {"appointment_days"}),
        ("3651", "365", {"appointment_days"}),
        ("", "29", {"login_log_days"}),
        ("", "", {"login_log_days"}),
        ("ninety", "3651", {"appointment_days", "login_log_days"}),
        ("90.5", "365", {"appointment_days"}),
    ],
)
def test_out_of_bounds_settings_are_refused_with_each_fault(appointments, login_log, bad) -> None:
    with pytest.raises(RetentionInvalid) as refused:
        retention.parse_settings(appointments, login_log)
    assert set(refused.value.errors) == bad


def test_bounds_themselves_and_empty_appointments_are_accepted() -> None:
    assert retention.parse_settings("30", "3650") == RetentionSettings(30, 3650)
    assert retention.parse_settings("", "365") == RetentionSettings(None, 365)


def test_saving_settings_is_audited_by_field_name(app, db_session, clinic, make_user) -> None:
    client = clinic[0]
    admin = make_user(client=client, role=Role.CLIENT_ADMIN)

    with app.app_context():
        retention.save_settings(
            db_session, Scope(client.id), RetentionSettings(None, 30), actor=admin
        )

    assert retention.current_settings(db_session, Scope(client.id)) == RetentionSettings(None, 30)
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "settings.change")
    ).one()
    assert event.fields == ["appointment_retention_days"]


def test_only_an_administrator_saves_settings(app, db_session, clinic, make_user) -> None:
    client = clinic[0]
    staff = make_user(client=client, role=Role.STAFF)
    with app.app_context(), pytest.raises(AccessDenied):
        retention.save_settings(
            db_session, Scope(client.id), RetentionSettings(None, 30), actor=staff
        )
    assert db_session.scalar(select(func.count()).select_from(AuditEvent)) == 0
