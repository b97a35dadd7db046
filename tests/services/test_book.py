"""Booking through the service: re-checked under the lock, refused with the engine's reason."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

import scheduling
from app.errors import InvalidInput, NotFound
from app.models import Appointment, AppointmentStatus, Role
from app.scope import Scope
from app.services.booking import BookingRequest, SlotTaken, book

MONDAY_10 = datetime(2031, 3, 3, 10, 0, tzinfo=UTC)
NOW = MONDAY_10 - timedelta(days=2)


@pytest.fixture
def setup(make_client, make_service, make_schedule, make_user):
    client = make_client()
    service = make_service(client=client, duration_minutes=30)
    schedule = make_schedule(client=client, services=[service], min_notice_minutes=60)
    customer = make_user(client=client)
    return client, service, schedule, customer


def request(service, schedule=None, start=MONDAY_10, **kwargs):
    return BookingRequest(
        service_id=service.id, start=start, schedule_id=schedule.id if schedule else None, **kwargs
    )


def attempt(session, customer, req, *, scope=None, actor=None, for_customer=None):
    """Book `req` as `actor` (the customer by default) within `scope` (theirs by default)."""
    return book(
        session,
        scope or Scope(customer.client_id, customer.id),
        req,
        customer_id=(for_customer or customer).id,
        actor=actor or customer,
        now=NOW,
    )


def count(session):
    return session.scalar(select(func.count()).select_from(Appointment))


def test_booking_an_open_slot_creates_a_confirmed_appointment_with_history(db_session, setup):
    client, service, schedule, customer = setup
    appointment = attempt(db_session, customer, request(service, schedule))
    assert appointment.status is AppointmentStatus.CONFIRMED
    assert appointment.start_at == MONDAY_10
    assert appointment.end_at == MONDAY_10 + timedelta(minutes=30)
    history = db_session.scalars(appointment.status_changes.select()).all()
    assert [(h.from_status, h.to_status, h.changed_by) for h in history] == [
        (None, AppointmentStatus.CONFIRMED, customer.id)
    ]


def test_booking_bumps_the_schedules_availability_version(db_session, setup):
    client, service, schedule, customer = setup
    before = schedule.availability_version
    attempt(db_session, customer, request(service, schedule))
    db_session.refresh(schedule)
    assert schedule.availability_version == before + 1


def test_a_schedule_needing_approval_creates_a_requested_appointment(
    db_session, make_schedule, setup
):
    client, service, _, customer = setup
    schedule = make_schedule(client=client, services=[service], approval_required=True)
    appointment = attempt(db_session, customer, request(service, schedule))
    assert appointment.status is AppointmentStatus.REQUESTED


def test_a_taken_time_is_refused_as_just_taken_and_writes_nothing(db_session, make_user, setup):
    client, service, schedule, customer = setup
    attempt(db_session, customer, request(service, schedule))
    other = make_user(client=client)
    with pytest.raises(SlotTaken, match="just taken") as refused:
        attempt(db_session, other, request(service, schedule))
    assert isinstance(refused.value.reason, scheduling.reasons.OverlapsAppointment)
    assert count(db_session) == 1


@pytest.mark.parametrize(
    ("start", "reason"),
    [
        (MONDAY_10 - timedelta(days=7), scheduling.reasons.InThePast),
        (NOW + timedelta(minutes=30), scheduling.reasons.TooSoon),
        (MONDAY_10 + timedelta(minutes=5), scheduling.reasons.NotOnSlotGrid),
        (MONDAY_10.replace(hour=20), scheduling.reasons.OutsideOpeningHours),
        (MONDAY_10 + timedelta(days=5), scheduling.reasons.ClosedThatDay),
        (MONDAY_10 + timedelta(days=400), scheduling.reasons.BeyondHorizon),
    ],
)
def test_bad_times_are_refused_with_the_engines_reason_and_write_nothing(
    db_session, setup, start, reason
):
    client, service, schedule, customer = setup
    with pytest.raises(reason):
        attempt(db_session, customer, request(service, schedule, start=start))
    assert count(db_session) == 0


def test_a_service_not_offered_on_the_schedule_is_refused(db_session, make_service, setup):
    client, _, schedule, customer = setup
    elsewhere = make_service(client=client)
    with pytest.raises(scheduling.reasons.ServiceNotOffered):
        attempt(db_session, customer, request(elsewhere, schedule))
    assert count(db_session) == 0


def test_another_clients_schedule_or_service_is_not_found(
    db_session, make_client, make_service, make_schedule, setup
):
    client, service, _, customer = setup
    stranger = make_client()
    foreign_service = make_service(client=stranger)
    foreign_schedule = make_schedule(client=stranger, services=[foreign_service])
    with pytest.raises(NotFound):
        attempt(db_session, customer, request(service, foreign_schedule))
    with pytest.raises(NotFound):
        attempt(db_session, customer, request(foreign_service, None))
    assert count(db_session) == 0


def test_a_customer_cannot_book_for_someone_else(db_session, make_user, setup):
    client, service, schedule, customer = setup
    other = make_user(client=client)
    with pytest.raises(NotFound):
        attempt(db_session, customer, request(service, schedule), for_customer=other)


def test_first_available_falls_through_to_the_next_schedule_with_room(
    db_session, make_schedule, make_user, setup
):
    client, service, first, customer = setup
    second = make_schedule(client=client, services=[service], name="Zeta")
    first.name = "Alpha"
    db_session.commit()
    one = attempt(db_session, customer, request(service))
    other = make_user(client=client)
    two = attempt(db_session, other, request(service))
    assert (one.schedule_id, two.schedule_id) == (first.id, second.id)


def test_oversized_notes_are_refused_before_anything_is_written(db_session, setup):
    client, service, schedule, customer = setup
    with pytest.raises(InvalidInput, match="at most 2000"):
        attempt(db_session, customer, request(service, schedule, notes="x" * 2001))
    assert count(db_session) == 0


def test_staff_can_book_on_behalf_of_a_customer(db_session, make_user, setup):
    client, service, schedule, customer = setup
    staff = make_user(client=client, role=Role.STAFF)
    appointment = attempt(
        db_session, customer, request(service, schedule), scope=Scope(client.id), actor=staff
    )
    assert appointment.customer_id == customer.id
