"""Database constraints that hold whatever the code writing the rows gets wrong."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Appointment, AppointmentStatus, AppointmentStatusChange, Role


def test_ids_are_random_uuids(make_client) -> None:
    first, second = make_client(), make_client()
    assert first.id.version == 4
    assert first.id != second.id


def test_an_appointment_cannot_use_another_clients_schedule(
    db_session: Session, make_appointment, make_schedule
) -> None:
    foreign_schedule = make_schedule()
    with pytest.raises(IntegrityError):
        make_appointment(schedule_id=foreign_schedule.id)


def test_an_appointment_cannot_belong_to_another_clients_customer(
    db_session: Session, make_appointment, make_user
) -> None:
    with pytest.raises(IntegrityError):
        make_appointment(customer_id=make_user().id)


def test_client_roles_need_a_client_and_platform_roles_refuse_one(
    db_session: Session, make_user, make_client
) -> None:
    with pytest.raises(IntegrityError):
        make_user(role=Role.SUPPORT, client_id=make_client().id)
    db_session.rollback()
    with pytest.raises(IntegrityError):
        make_user(role=Role.CUSTOMER, client_id=None)


def test_an_email_is_unique_within_a_client_but_not_across_clients(
    db_session: Session, make_user, make_client
) -> None:
    client, other = make_client(), make_client()
    make_user(client=client, email="sam@example.org")
    make_user(client=other, email="sam@example.org")
    with pytest.raises(IntegrityError):
        make_user(client=client, email="sam@example.org")


def test_platform_accounts_are_unique_by_email(db_session: Session, make_user) -> None:
    make_user(role=Role.SUPPORT, email="help@safeslot.example")
    with pytest.raises(IntegrityError):
        make_user(role=Role.PLATFORM_ADMIN, email="help@safeslot.example")


def test_change_status_records_history(db_session: Session, make_appointment, make_user) -> None:
    appointment = make_appointment(status=AppointmentStatus.REQUESTED)
    at = appointment.start_at - timedelta(hours=12)
    staff = make_user(client_id=appointment.client_id, role=Role.STAFF)
    appointment.change_status(AppointmentStatus.CONFIRMED, at=at, by=staff.id, reason="ok")
    db_session.commit()

    history = db_session.scalars(
        select(AppointmentStatusChange)
        .where(AppointmentStatusChange.appointment_id == appointment.id)
        .order_by(AppointmentStatusChange.changed_at)
    ).all()
    assert [(h.from_status, h.to_status) for h in history] == [
        (None, AppointmentStatus.REQUESTED),
        (AppointmentStatus.REQUESTED, AppointmentStatus.CONFIRMED),
    ]
    assert history[-1].changed_at == at
    assert history[-1].changed_by == staff.id
    assert db_session.get(Appointment, appointment.id).status is AppointmentStatus.CONFIRMED
