"""Kept booking rules: every change to a schedule's rules reaches the next booking.

A process keeps each schedule's rules after its first booking there. Each test books
once (so the rules are kept), changes a rule through the staff use case, and books
again in the same process, or in a second application on the same database (another
worker), which must be checked against the new rule.
"""

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import event

import scheduling
from app import create_app
from app.db import get_db
from app.models import AppointmentStatus, Role, Schedule
from app.scope import Scope
from app.services.booking import BookingRequest, book
from app.services.catalog import ServiceDetails, update_service
from app.services.opening_hours import add_closure, set_date_override, set_weekly_hours
from app.services.schedule_rules import ScheduleSettings
from app.services.schedules import update_schedule

MONDAY = datetime(2031, 3, 3, tzinfo=UTC)  # the client and schedule keep UTC time
NOW = MONDAY - timedelta(days=2)


@pytest.fixture
def office(make_client, make_service, make_schedule, make_user):
    client = make_client(timezone="UTC")
    service = make_service(client=client, duration_minutes=30)
    schedule = make_schedule(client=client, services=[service], min_notice_minutes=60)
    return {
        "client": client,
        "service": service,
        "schedule": schedule,
        "customer": make_user(client=client),
        "admin": make_user(client=client, role=Role.CLIENT_ADMIN),
        "scope": Scope(client.id),
    }


def booking(session, office, start, **kwargs):
    customer = office["customer"]
    return book(
        session,
        Scope(customer.client_id, customer.id),
        BookingRequest(
            service_id=office["service"].id, start=start, schedule_id=office["schedule"].id
        ),
        customer_id=customer.id,
        actor=customer,
        now=kwargs.get("now", NOW),
    )


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


def test_new_weekly_hours_apply_to_the_next_booking(db_session, office):
    booking(db_session, office, at(0, 9))
    set_weekly_hours(
        db_session,
        office["scope"],
        office["schedule"].id,
        {0: [(time(13), time(17))]},
        actor=office["admin"],
    )
    with pytest.raises(scheduling.reasons.OutsideOpeningHours):
        booking(db_session, office, at(0, 10))
    assert booking(db_session, office, at(0, 14)).start_at == at(0, 14)


def test_a_closure_applies_to_the_next_booking(db_session, office):
    booking(db_session, office, at(0, 9))
    tuesday = at(1, 0).date()
    add_closure(
        db_session,
        office["scope"],
        office["schedule"].id,
        tuesday,
        tuesday,
        "Training day",
        actor=office["admin"],
    )
    with pytest.raises(scheduling.reasons.ClosedThatDay):
        booking(db_session, office, at(1, 10))


def test_a_date_override_applies_to_the_next_booking(db_session, office):
    booking(db_session, office, at(0, 9))
    saturday = at(5, 0).date()  # closed in the weekly hours
    with pytest.raises(scheduling.reasons.ClosedThatDay):
        booking(db_session, office, at(5, 10))
    set_date_override(
        db_session,
        office["scope"],
        office["schedule"].id,
        saturday,
        [(time(10), time(12))],
        actor=office["admin"],
    )
    assert booking(db_session, office, at(5, 10)).start_at == at(5, 10)


def test_a_longer_service_books_its_new_length(db_session, office):
    booking(db_session, office, at(0, 9))
    update_service(
        db_session,
        office["scope"],
        office["service"].id,
        ServiceDetails(name=office["service"].name, duration_minutes=90),
        actor=office["admin"],
    )
    later = booking(db_session, office, at(0, 11))
    assert later.end_at - later.start_at == timedelta(minutes=90)


def test_a_switched_off_service_is_not_booked(db_session, office):
    booking(db_session, office, at(0, 9))
    update_service(
        db_session,
        office["scope"],
        office["service"].id,
        ServiceDetails(name=office["service"].name, duration_minutes=30, is_active=False),
        actor=office["admin"],
    )
    with pytest.raises(scheduling.reasons.ServiceNotOffered):
        booking(db_session, office, at(0, 11))


def _settings(schedule: Schedule, **changes) -> ScheduleSettings:
    values = {
        "name": schedule.name,
        "slug": schedule.slug,
        "timezone": schedule.timezone,
        "min_notice_minutes": schedule.min_notice_minutes,
        "service_ids": tuple(s.id for s in schedule.services),
    }
    return ScheduleSettings(**{**values, **changes})


def test_schedule_settings_apply_to_the_next_booking(db_session, office):
    schedule = office["schedule"]
    booking(db_session, office, at(0, 9))
    update_schedule(
        db_session,
        office["scope"],
        schedule.id,
        _settings(schedule, approval_required=True, buffer_after_minutes=15),
        actor=office["admin"],
    )
    requested = booking(db_session, office, at(0, 11))
    assert requested.status is AppointmentStatus.REQUESTED
    assert requested.buffer_after_minutes == 15


def test_a_service_taken_off_the_schedule_is_not_booked(db_session, office):
    schedule = office["schedule"]
    booking(db_session, office, at(0, 9))
    update_schedule(
        db_session,
        office["scope"],
        schedule.id,
        _settings(schedule, service_ids=()),
        actor=office["admin"],
    )
    with pytest.raises(scheduling.reasons.ServiceNotOffered):
        booking(db_session, office, at(0, 11))


def test_a_change_made_by_another_process_applies_to_the_next_booking(
    app, config, db_session, office
):
    booking(db_session, office, at(0, 9))  # this process now keeps the rules
    other = create_app(config)  # another worker: its own database engine
    other_session = get_db(other).session()
    try:
        set_weekly_hours(
            other_session,
            office["scope"],
            office["schedule"].id,
            {0: [(time(13), time(17))]},
            actor=office["admin"],
        )
    finally:
        other_session.close()
        get_db(other).engine.dispose()
    with pytest.raises(scheduling.reasons.OutsideOpeningHours):
        booking(db_session, office, at(0, 10))


def test_a_second_booking_does_not_read_the_rules_again(app, db_session, office):
    booking(db_session, office, at(0, 9))
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    engine = get_db(app).engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        booking(db_session, office, at(0, 10))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    read_tables = ("FROM weekly_hours", "FROM date_overrides", "FROM closures", "JOIN weekly_hours")
    assert not [s for s in statements if any(t in s for t in read_tables)]
    assert any(s.lstrip().startswith("INSERT INTO appointments") for s in statements)
