"""The scope: a customer sees only their own appointments; a client only its own rows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from app.errors import AccessDenied, NotFound
from app.models import AppointmentStatus, Client, Role
from app.scope import Scope, busy_intervals

MONDAY_10 = datetime(2031, 3, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def two_clients(make_client, make_schedule, make_service, make_user, make_appointment):
    """Client A with two customers (one appointment each) and client B with one."""
    world = {}
    for name in ("a", "b"):
        client = make_client(slug=f"client-{name}")
        schedule = make_schedule(client=client)
        service = make_service(client=client)
        world[name] = {"client": client, "schedule": schedule, "service": service}
    a, b = world["a"], world["b"]
    a["alice"] = make_user(client=a["client"])
    a["bob"] = make_user(client=a["client"])
    a["staff"] = make_user(client=a["client"], role=Role.STAFF)
    b["carol"] = make_user(client=b["client"])
    a["alice_appt"] = make_appointment(
        schedule=a["schedule"], service=a["service"], customer=a["alice"]
    )
    a["bob_appt"] = make_appointment(
        schedule=a["schedule"],
        service=a["service"],
        customer=a["bob"],
        start_at=MONDAY_10 + timedelta(hours=1),
    )
    b["carol_appt"] = make_appointment(
        schedule=b["schedule"], service=b["service"], customer=b["carol"]
    )
    return world


def test_customer_sees_only_their_own_appointments(db_session: Session, two_clients) -> None:
    a = two_clients["a"]
    scope = Scope.for_user(a["alice"])
    found = db_session.scalars(scope.appointments()).all()
    assert [appt.id for appt in found] == [a["alice_appt"].id]


def test_customer_cannot_load_another_customers_appointment(
    db_session: Session, two_clients
) -> None:
    a = two_clients["a"]
    with pytest.raises(NotFound):
        Scope.for_user(a["alice"]).get_appointment(db_session, a["bob_appt"].id)


def test_customer_sees_only_themselves_among_customers(db_session: Session, two_clients) -> None:
    a = two_clients["a"]
    scope = Scope.for_user(a["alice"])
    assert [u.id for u in db_session.scalars(scope.customers())] == [a["alice"].id]
    with pytest.raises(NotFound):
        scope.get_customer(db_session, a["bob"].id)


def test_staff_see_every_appointment_of_their_client_only(db_session: Session, two_clients) -> None:
    a, b = two_clients["a"], two_clients["b"]
    scope = Scope.for_user(a["staff"])
    ids = {appt.id for appt in db_session.scalars(scope.appointments())}
    assert ids == {a["alice_appt"].id, a["bob_appt"].id}
    assert b["carol_appt"].id not in ids


def test_client_scope_never_returns_another_clients_rows(db_session: Session, two_clients) -> None:
    a, b = two_clients["a"], two_clients["b"]
    scope = Scope(client_id=a["client"].id)
    assert {s.id for s in db_session.scalars(scope.schedules())} == {a["schedule"].id}
    assert {s.id for s in db_session.scalars(scope.services())} == {a["service"].id}
    assert {u.id for u in db_session.scalars(scope.customers())} == {a["alice"].id, a["bob"].id}
    for load, record_id in [
        (scope.get_appointment, b["carol_appt"].id),
        (scope.get_schedule, b["schedule"].id),
        (scope.get_service, b["service"].id),
        (scope.get_customer, b["carol"].id),
    ]:
        with pytest.raises(NotFound):
            load(db_session, record_id)
    with pytest.raises(NotFound):
        scope.get_schedule_by_slug(db_session, b["schedule"].slug)


def test_another_tenants_record_looks_exactly_like_a_missing_one(
    db_session: Session, two_clients
) -> None:
    scope = Scope(client_id=two_clients["a"]["client"].id)
    with pytest.raises(NotFound) as foreign:
        scope.get_appointment(db_session, two_clients["b"]["carol_appt"].id)
    with pytest.raises(NotFound) as missing:
        scope.get_appointment(db_session, uuid.uuid4())
    assert str(foreign.value) == str(missing.value)


def test_staff_are_not_customers(db_session: Session, two_clients) -> None:
    scope = Scope(client_id=two_clients["a"]["client"].id)
    with pytest.raises(NotFound):
        scope.get_customer(db_session, two_clients["a"]["staff"].id)


def test_platform_users_have_no_scope_of_their_own(make_user) -> None:
    support = make_user(role=Role.SUPPORT)
    with pytest.raises(AccessDenied):
        Scope.for_user(support)


def test_busy_intervals_are_plain_tuples_of_blocking_appointments(
    db_session: Session, make_schedule, make_service, make_appointment
) -> None:
    schedule = make_schedule(buffer_before_minutes=5, buffer_after_minutes=10)
    service = make_service(client=db_session.get(Client, schedule.client_id), duration_minutes=30)
    booked = make_appointment(schedule=schedule, service=service, start_at=MONDAY_10)
    make_appointment(
        schedule=schedule,
        service=service,
        start_at=MONDAY_10 + timedelta(hours=2),
        status=AppointmentStatus.CANCELLED,
    )
    intervals = busy_intervals(
        db_session, schedule.id, MONDAY_10 - timedelta(hours=1), MONDAY_10 + timedelta(hours=4)
    )
    assert intervals == [(booked.start_at, booked.end_at, 5, 10)]
    assert type(intervals[0]) is tuple


def test_busy_intervals_include_neighbours_whose_buffers_reach_into_the_range(
    db_session: Session, make_schedule, make_appointment
) -> None:
    schedule = make_schedule(buffer_after_minutes=15)
    booked = make_appointment(schedule=schedule, start_at=MONDAY_10)  # 10:00-10:30, +15
    ends_with_buffer = booked.end_at + timedelta(minutes=15)

    def query(start: datetime) -> list:
        return busy_intervals(db_session, schedule.id, start, start + timedelta(hours=1))

    assert query(ends_with_buffer - timedelta(minutes=1)) != []
    assert query(ends_with_buffer) == []


def test_busy_intervals_ignore_other_schedules(
    db_session: Session, make_schedule, make_appointment
) -> None:
    schedule = make_schedule()
    make_appointment(start_at=MONDAY_10)  # on a schedule of another client
    assert busy_intervals(db_session, schedule.id, MONDAY_10, MONDAY_10 + timedelta(hours=1)) == []
