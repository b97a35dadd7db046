"""Checking one start: every refusal reason, and messages people can read."""

from datetime import timedelta

import pytest

from scheduling import Busy, Closure, DateOverride, check_booking, weekly_hours
from scheduling.reasons import (
    BeyondHorizon,
    ClosedThatDay,
    DailyCapReached,
    InThePast,
    NotOnSlotGrid,
    OutsideOpeningHours,
    OverlapsAppointment,
    ServiceNotOffered,
    SlotFull,
    TimeBlocked,
    TooSoon,
    WeeklyCapReached,
)
from tests.unit.scheduling.builders import (
    LONDON,
    SUNDAY_EVENING,
    appointment,
    at,
    hours,
    make_schedule,
    make_service,
)


def check(start: str, busy=(), schedule=None, service=None, now=SUNDAY_EVENING):
    return check_booking(
        schedule or make_schedule(),
        service or make_service(),
        list(busy),
        now=now,
        start=at(start, LONDON),
    )


def test_an_open_grid_start_is_accepted_with_its_slot():
    slot = check("2026-11-23 10:15")
    assert slot.start == at("2026-11-23 10:15", LONDON)
    assert slot.end - slot.start == timedelta(minutes=30)
    assert slot.remaining == 1


def test_a_start_in_the_past_is_refused():
    with pytest.raises(InThePast, match="already passed"):
        check("2026-11-23 10:00", now=at("2026-11-23 11:00", LONDON))


def test_a_start_inside_the_minimum_notice_is_refused_saying_the_notice():
    schedule = make_schedule(min_notice=timedelta(hours=2))
    with pytest.raises(TooSoon, match="at least 2 hours notice"):
        check("2026-11-23 10:00", schedule=schedule, now=at("2026-11-23 08:30", LONDON))


def test_a_start_beyond_the_horizon_is_refused_saying_the_horizon():
    schedule = make_schedule(horizon=timedelta(days=60))
    with pytest.raises(BeyondHorizon, match="at most 60 days ahead"):
        check("2027-02-01 10:00", schedule=schedule)


def test_a_weekday_without_hours_is_closed_that_day():
    with pytest.raises(ClosedThatDay, match="closed on Saturday 28 November 2026"):
        check("2026-11-28 10:00")


def test_a_closure_names_its_reason():
    schedule = make_schedule(
        closures=(
            Closure(
                at("2026-11-23 00:00").date(),
                at("2026-11-24 00:00").date(),
                "staff training",
            ),
        )
    )
    with pytest.raises(
        ClosedThatDay, match=r"Monday 23 November 2026 \(staff training\)"
    ):
        check("2026-11-23 10:00", schedule=schedule)


def test_a_closed_override_refuses_the_day():
    schedule = make_schedule(overrides=(DateOverride(at("2026-11-23 00:00").date()),))
    with pytest.raises(ClosedThatDay):
        check("2026-11-23 10:00", schedule=schedule)


def test_a_start_outside_opening_hours_is_refused():
    with pytest.raises(OutsideOpeningHours, match="outside opening hours"):
        check("2026-11-23 07:00")


def test_a_start_in_the_lunch_break_is_outside_opening_hours():
    schedule = make_schedule(
        hours=weekly_hours({0: hours(("09:00", "12:00"), ("13:00", "17:00"))})
    )
    with pytest.raises(OutsideOpeningHours):
        check("2026-11-23 12:15", schedule=schedule)


def test_an_appointment_running_past_closing_is_refused_as_such():
    with pytest.raises(OutsideOpeningHours, match="past closing time"):
        check("2026-11-23 16:45")


def test_a_start_off_the_slot_grid_is_refused_saying_the_step():
    with pytest.raises(NotOnSlotGrid, match="every 15 minutes"):
        check("2026-11-23 10:05")


def test_a_start_with_seconds_is_off_the_grid():
    with pytest.raises(NotOnSlotGrid):
        check("2026-11-23 10:00:30")


def test_an_overlapping_appointment_refuses_a_one_to_one_start():
    with pytest.raises(OverlapsAppointment, match="overlaps another appointment"):
        check("2026-11-23 10:15", busy=[appointment("2026-11-23 10:00", 30)])


def test_back_to_back_appointments_do_not_overlap():
    assert check("2026-11-23 10:30", busy=[appointment("2026-11-23 10:00", 30)])


def test_a_buffer_refuses_a_start_too_close_to_another_appointment():
    schedule = make_schedule(buffer_after=timedelta(minutes=10))
    with pytest.raises(OverlapsAppointment):
        check(
            "2026-11-23 09:45",
            busy=[appointment("2026-11-23 10:15", 30)],
            schedule=schedule,
        )


def test_a_full_class_is_refused_as_full():
    schedule = make_schedule(capacity=2)
    busy = [appointment("2026-11-23 10:00"), appointment("2026-11-23 10:00")]
    with pytest.raises(SlotFull, match="session is full"):
        check("2026-11-23 10:00", busy=busy, schedule=schedule)


def test_a_class_with_a_free_seat_accepts_and_says_how_many_remain():
    schedule = make_schedule(capacity=3)
    slot = check(
        "2026-11-23 10:00", busy=[appointment("2026-11-23 10:00")], schedule=schedule
    )
    assert slot.remaining == 2


def test_blocked_time_is_refused_as_unavailable():
    block = Busy.block(at("2026-11-23 10:00", LONDON), at("2026-11-23 11:00", LONDON))
    with pytest.raises(TimeBlocked, match="not available"):
        check("2026-11-23 10:30", busy=[block])


def test_the_daily_cap_refuses_once_reached():
    schedule = make_schedule(daily_cap=1)
    with pytest.raises(
        DailyCapReached, match="Monday 23 November 2026 is fully booked"
    ):
        check(
            "2026-11-23 15:00",
            busy=[appointment("2026-11-23 09:00")],
            schedule=schedule,
        )


def test_the_weekly_cap_refuses_once_reached():
    schedule = make_schedule(weekly_cap=1)
    with pytest.raises(WeeklyCapReached, match="week is fully booked"):
        check(
            "2026-11-25 15:00",
            busy=[appointment("2026-11-23 09:00")],
            schedule=schedule,
        )


def test_a_service_of_another_schedule_is_refused():
    with pytest.raises(ServiceNotOffered):
        check("2026-11-23 10:00", service=make_service(schedule_ids=("elsewhere",)))


def test_reasons_are_checked_in_the_order_a_person_needs_them():
    # Past beats closed: telling someone a past Saturday is closed would mislead.
    with pytest.raises(InThePast):
        check("2026-11-21 10:00")


def test_every_refusal_has_a_stable_code_and_a_full_sentence():
    with pytest.raises(OutsideOpeningHours) as refused:
        check("2026-11-23 20:00")
    assert refused.value.code == "outside_opening_hours"
    assert str(refused.value).endswith(".") and str(refused.value)[0].isupper()
