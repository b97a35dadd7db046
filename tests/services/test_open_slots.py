"""Open slots through the service: the cache never changes the answer."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

import scheduling
from app.models import Appointment
from app.scope import Scope, busy_intervals
from app.services.availability import SlotCache, open_slots
from app.services.booking import BookingRequest, book
from app.services.engine_values import engine_busy, engine_schedule, engine_service

MONDAY = datetime(2031, 3, 3, tzinfo=UTC)
WEEK = scheduling.Period(MONDAY, MONDAY + timedelta(days=7))


@pytest.fixture
def world(make_client, make_service, make_schedule, make_user, make_appointment):
    client = make_client()
    service = make_service(client=client, duration_minutes=45)
    schedule = make_schedule(
        client=client, services=[service], min_notice_minutes=120, buffer_after_minutes=10
    )
    make_appointment(schedule=schedule, service=service, start_at=MONDAY + timedelta(hours=11))
    return client, service, schedule, make_user(client=client)


def engine_answer(db_session, schedule, service, now):
    rules = engine_schedule(schedule)
    busy = engine_busy(
        busy_intervals(
            db_session, schedule.id, WEEK.start - timedelta(days=1), WEEK.end + timedelta(days=1)
        )
    )
    return scheduling.available_slots(
        rules, engine_service(service, [schedule.id]), busy, now=now, period=WEEK
    )


@pytest.mark.parametrize("minutes", [0, 7, 60, 601, 2000])
def test_cached_slots_equal_the_engines_answer_for_any_clock(db_session, world, minutes):
    _, service, schedule, _ = world
    cache = SlotCache()
    warm = MONDAY - timedelta(days=1)
    open_slots(db_session, cache, schedules=[schedule], service=service, period=WEEK, now=warm)
    now = MONDAY + timedelta(minutes=minutes, seconds=13)
    got = open_slots(db_session, cache, schedules=[schedule], service=service, period=WEEK, now=now)
    expected = engine_answer(db_session, schedule, service, now)
    assert [(s.start, s.end, s.remaining) for s in got] == [
        (s.start, s.end, s.remaining) for s in expected
    ]
    assert got and all(s.schedule_id == schedule.id for s in got)


def test_a_booking_is_reflected_by_the_next_answer_despite_the_cache(db_session, world):
    client, service, schedule, customer = world
    cache = SlotCache()
    now = MONDAY - timedelta(days=1)
    before = open_slots(
        db_session, cache, schedules=[schedule], service=service, period=WEEK, now=now
    )
    chosen = before[0]
    book(
        db_session,
        Scope(client.id, customer.id),
        BookingRequest(service.id, chosen.start, schedule.id),
        customer_id=customer.id,
        actor=customer,
        now=now,
    )
    db_session.refresh(schedule)
    after = open_slots(
        db_session, cache, schedules=[schedule], service=service, period=WEEK, now=now
    )
    assert chosen.start not in {s.start for s in after}


def test_first_available_lists_each_time_once_on_the_first_schedule_with_room(
    db_session, world, make_schedule
):
    client, service, busy_one, _ = world
    other = make_schedule(client=client, services=[service], min_notice_minutes=120)
    now = MONDAY - timedelta(days=1)
    slots = open_slots(
        db_session, SlotCache(), schedules=[busy_one, other], service=service, period=WEEK, now=now
    )
    starts = [s.start for s in slots]
    assert starts == sorted(set(starts))
    eleven = next(s for s in slots if s.start == MONDAY + timedelta(hours=11))
    assert eleven.schedule_id == other.id


def test_inactive_schedules_and_schedules_without_the_service_offer_nothing(
    db_session, world, make_schedule, make_service
):
    client, service, schedule, _ = world
    schedule.is_active = False
    db_session.commit()
    unrelated = make_schedule(client=client, services=[make_service(client=client)])
    now = MONDAY - timedelta(days=1)
    assert (
        open_slots(
            db_session,
            SlotCache(),
            schedules=[schedule, unrelated],
            service=service,
            period=WEEK,
            now=now,
        )
        == []
    )


def test_slots_for_moving_an_appointment_include_its_own_time(db_session, world):
    _, service, schedule, _ = world
    taken = MONDAY + timedelta(hours=11)
    appointment_id = db_session.scalars(
        select(Appointment.id).where(Appointment.schedule_id == schedule.id)
    ).one()
    now = MONDAY - timedelta(days=1)
    cache = SlotCache()
    kept = open_slots(
        db_session, cache, schedules=[schedule], service=service, period=WEEK, now=now
    )
    moving = open_slots(
        db_session,
        cache,
        schedules=[schedule],
        service=service,
        period=WEEK,
        now=now,
        exclude=appointment_id,
    )
    assert taken not in {s.start for s in kept}
    assert taken in {s.start for s in moving}
    # The answer that ignores an appointment must not leak into the shared cache.
    again = open_slots(
        db_session, cache, schedules=[schedule], service=service, period=WEEK, now=now
    )
    assert taken not in {s.start for s in again}
