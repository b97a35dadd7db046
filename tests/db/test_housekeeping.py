"""Housekeeping completes ended confirmed appointments, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Appointment, AppointmentStatus, AppointmentStatusChange
from app.services.housekeeping import complete_past_appointments

NOW = datetime(2031, 3, 3, 12, 0, tzinfo=UTC)


def status_of(session: Session, appointment: Appointment) -> AppointmentStatus:
    return session.scalar(select(Appointment.status).where(Appointment.id == appointment.id))


def history_length(session: Session, appointment: Appointment) -> int:
    return session.scalar(
        select(func.count()).where(AppointmentStatusChange.appointment_id == appointment.id)
    )


def test_ended_confirmed_appointments_become_completed_with_history(
    db_session: Session, make_appointment
) -> None:
    ended = make_appointment(start_at=NOW - timedelta(hours=2))
    assert complete_past_appointments(db_session, NOW) == 1
    assert status_of(db_session, ended) is AppointmentStatus.COMPLETED
    change = db_session.scalars(
        select(AppointmentStatusChange)
        .where(AppointmentStatusChange.appointment_id == ended.id)
        .order_by(AppointmentStatusChange.changed_at.desc())
    ).first()
    assert (change.from_status, change.to_status) == (
        AppointmentStatus.CONFIRMED,
        AppointmentStatus.COMPLETED,
    )
    assert change.changed_at == NOW
    assert change.changed_by is None


def test_running_twice_changes_nothing_the_second_time(
    db_session: Session, make_appointment
) -> None:
    ended = make_appointment(start_at=NOW - timedelta(hours=2))
    complete_past_appointments(db_session, NOW)
    before = history_length(db_session, ended)
    assert complete_past_appointments(db_session, NOW) == 0
    assert history_length(db_session, ended) == before


def test_future_running_and_unconfirmed_appointments_are_left_alone(
    db_session: Session, make_appointment
) -> None:
    untouched = [
        make_appointment(start_at=NOW + timedelta(hours=1)),
        make_appointment(start_at=NOW - timedelta(minutes=10)),  # still running
        make_appointment(start_at=NOW - timedelta(hours=3), status=AppointmentStatus.REQUESTED),
        make_appointment(start_at=NOW - timedelta(hours=3), status=AppointmentStatus.CANCELLED),
    ]
    statuses = [status_of(db_session, a) for a in untouched]
    assert complete_past_appointments(db_session, NOW) == 0
    assert [status_of(db_session, a) for a in untouched] == statuses


def test_large_backlogs_are_done_in_batches(db_session: Session, make_appointment) -> None:
    for hours in range(1, 6):
        make_appointment(start_at=NOW - timedelta(hours=hours, minutes=30))
    assert complete_past_appointments(db_session, NOW, batch_size=2) == 5
    remaining = db_session.scalar(
        select(func.count()).where(Appointment.status == AppointmentStatus.CONFIRMED)
    )
    assert remaining == 0
