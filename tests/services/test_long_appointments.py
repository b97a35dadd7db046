"""A service of most of a day, with a buffer, must still see appointments in that buffer.

Regression: the busy time read for a check spanned one day around the start, so an
appointment inside the buffer of a 23-hour service (more than a day after its start)
was missed, by the booking check and by the open slots alike.
"""

from datetime import UTC, datetime, time, timedelta

import pytest

import scheduling
from app.models import Role
from app.scope import Scope
from app.services.availability import SlotCache, open_slots
from app.services.booking import BookingRequest, SlotTaken, book

MONDAY = datetime(2031, 3, 3, tzinfo=UTC)
ALL_DAY = tuple((weekday, time(0), time(23, 59)) for weekday in range(7))


@pytest.fixture
def setup(make_client, make_service, make_schedule, make_user, make_appointment):
    client = make_client(timezone="UTC")
    long = make_service(client=client, duration_minutes=23 * 60)
    short = make_service(client=client, duration_minutes=30)
    schedule = make_schedule(
        client=client,
        services=[long, short],
        timezone="UTC",
        hours=ALL_DAY,
        buffer_after_minutes=240,
        min_notice_minutes=0,
        slot_step_minutes=60,
    )
    customer = make_user(client=client)
    # Tuesday 01:00: inside the buffer of a 23-hour appointment from Monday 00:00 (to 03:00).
    make_appointment(
        schedule=schedule,
        service=short,
        customer=customer,
        start_at=MONDAY + timedelta(hours=25),
        buffer_after_minutes=0,
    )
    staff = make_user(client=client, role=Role.STAFF)
    return client, long, schedule, customer, staff


def test_booking_a_long_service_sees_an_appointment_in_its_buffer(db_session, setup):
    client, long, schedule, customer, staff = setup
    with pytest.raises(SlotTaken):
        book(
            db_session,
            Scope(client.id),
            BookingRequest(service_id=long.id, schedule_id=schedule.id, start=MONDAY),
            customer_id=customer.id,
            actor=staff,
            now=MONDAY - timedelta(days=2),
        )


def test_open_slots_of_a_long_service_leave_out_a_start_whose_buffer_is_taken(db_session, setup):
    _, long, schedule, _, _ = setup
    slots = open_slots(
        db_session,
        SlotCache(),
        schedules=[schedule],
        service=long,
        # A short period: the busy time read must reach past it by the slot's own length.
        period=scheduling.Period(MONDAY, MONDAY + timedelta(hours=1)),
        now=MONDAY - timedelta(days=2),
    )
    assert MONDAY not in [slot.start for slot in slots]
