"""Available slots: the grid, opening hours, notice, horizon, buffers, capacity, caps."""

from datetime import timedelta

import pytest

from scheduling import (
    Busy,
    Closure,
    DateOverride,
    available_slots,
    weekly_hours,
)
from scheduling.reasons import ServiceNotOffered
from tests.unit.scheduling.builders import (
    LONDON,
    SUNDAY_EVENING,
    appointment,
    at,
    hours,
    make_schedule,
    make_service,
    period,
)

MONDAY = period("2026-11-23 00:00", "2026-11-24 00:00", LONDON)


def local_times(slots, tz=LONDON):
    return [f"{slot.start.astimezone(tz):%H:%M}" for slot in slots]


def test_slots_step_through_opening_hours_and_end_before_closing():
    schedule = make_schedule(hours=weekly_hours({0: hours(("09:00", "10:30"))}))
    slots = available_slots(
        schedule, make_service(30), [], now=SUNDAY_EVENING, period=MONDAY
    )
    assert local_times(slots) == ["09:00", "09:15", "09:30", "09:45", "10:00"]


def test_slots_are_aware_utc_sorted_and_last_the_service_duration():
    slots = available_slots(
        make_schedule(), make_service(50), [], now=SUNDAY_EVENING, period=MONDAY
    )
    assert all(slot.start.utcoffset() == timedelta(0) for slot in slots)
    assert [s.start for s in slots] == sorted(s.start for s in slots)
    assert all(slot.end - slot.start == timedelta(minutes=50) for slot in slots)


def test_a_lunch_break_is_a_gap_no_slot_runs_into():
    schedule = make_schedule(
        hours=weekly_hours({0: hours(("09:00", "12:30"), ("13:30", "17:00"))})
    )
    slots = available_slots(
        schedule, make_service(30), [], now=SUNDAY_EVENING, period=MONDAY
    )
    times = local_times(slots)
    assert "12:00" in times and "12:15" not in times and "13:00" not in times
    assert "13:30" in times and times[-1] == "16:30"


def test_a_closed_weekday_offers_nothing():
    sunday = period("2026-11-29 00:00", "2026-11-30 00:00", LONDON)
    assert (
        available_slots(
            make_schedule(), make_service(), [], now=SUNDAY_EVENING, period=sunday
        )
        == []
    )


def test_a_date_override_replaces_that_days_hours():
    schedule = make_schedule(
        overrides=(DateOverride(MONDAY.start.date(), tuple(hours(("14:00", "15:00")))),)
    )
    slots = available_slots(
        schedule, make_service(30), [], now=SUNDAY_EVENING, period=MONDAY
    )
    assert local_times(slots) == ["14:00", "14:15", "14:30"]


def test_a_date_override_without_hours_closes_the_day():
    schedule = make_schedule(overrides=(DateOverride(MONDAY.start.date()),))
    assert (
        available_slots(schedule, make_service(), [], now=SUNDAY_EVENING, period=MONDAY)
        == []
    )


def test_an_override_can_open_a_normally_closed_day():
    saturday = at("2026-11-28 00:00", LONDON).date()
    schedule = make_schedule(
        overrides=(DateOverride(saturday, tuple(hours(("10:00", "11:00")))),)
    )
    week = period("2026-11-28 00:00", "2026-11-29 00:00", LONDON)
    slots = available_slots(
        schedule, make_service(30), [], now=SUNDAY_EVENING, period=week
    )
    assert local_times(slots) == ["10:00", "10:15", "10:30"]


def test_a_closure_spanning_several_days_closes_each_of_them():
    schedule = make_schedule(
        closures=(
            Closure(
                at("2026-11-24 00:00").date(), at("2026-11-26 00:00").date(), "Holiday"
            ),
        )
    )
    week = period("2026-11-23 00:00", "2026-11-28 00:00", LONDON)
    slots = available_slots(
        schedule, make_service(), [], now=SUNDAY_EVENING, period=week
    )
    days = {slot.start.astimezone(LONDON).day for slot in slots}
    assert days == {23, 27}


def test_minimum_notice_hides_starts_too_close_to_now():
    schedule = make_schedule(min_notice=timedelta(hours=2))
    now = at("2026-11-23 09:10", LONDON)
    slots = available_slots(schedule, make_service(), [], now=now, period=MONDAY)
    assert local_times(slots)[0] == "11:15"


def test_notice_is_exact_to_the_second():
    schedule = make_schedule(min_notice=timedelta(hours=2))
    now = at("2026-11-23 09:00:17", LONDON)
    slots = available_slots(schedule, make_service(), [], now=now, period=MONDAY)
    assert local_times(slots)[0] == "11:15"


def test_nothing_is_offered_beyond_the_booking_horizon():
    schedule = make_schedule(horizon=timedelta(days=2))
    month = period("2026-11-23 00:00", "2026-12-23 00:00", LONDON)
    slots = available_slots(
        schedule, make_service(), [], now=SUNDAY_EVENING, period=month
    )
    assert max(slot.start for slot in slots) <= SUNDAY_EVENING + timedelta(days=2)
    assert {slot.start.astimezone(LONDON).day for slot in slots} == {23, 24}


def test_the_requested_period_bounds_the_starts():
    morning = period("2026-11-23 10:00", "2026-11-23 11:00", LONDON)
    slots = available_slots(
        make_schedule(), make_service(), [], now=SUNDAY_EVENING, period=morning
    )
    assert local_times(slots) == ["10:00", "10:15", "10:30", "10:45"]


def test_an_appointment_takes_every_start_it_overlaps():
    busy = [appointment("2026-11-23 10:00", 30)]
    slots = available_slots(
        make_schedule(), make_service(30), busy, now=SUNDAY_EVENING, period=MONDAY
    )
    times = local_times(slots)
    assert "09:30" in times and "10:30" in times
    assert not {"09:45", "10:00", "10:15"} & set(times)


def test_the_schedules_buffers_keep_new_appointments_away_from_existing_ones():
    schedule = make_schedule(
        buffer_before=timedelta(minutes=15), buffer_after=timedelta(minutes=15)
    )
    busy = [appointment("2026-11-23 10:00", 30)]
    times = local_times(
        available_slots(
            schedule, make_service(30), busy, now=SUNDAY_EVENING, period=MONDAY
        )
    )
    # A new 30-minute appointment needs 15 minutes free after it and before it.
    assert "09:15" in times and "09:30" not in times
    assert "10:45" in times and "10:30" not in times


def test_an_existing_appointments_own_buffers_are_respected():
    busy = [appointment("2026-11-23 10:00", 30, buffer_after=timedelta(minutes=30))]
    times = local_times(
        available_slots(
            make_schedule(), make_service(30), busy, now=SUNDAY_EVENING, period=MONDAY
        )
    )
    assert "10:45" not in times and "11:00" in times


def test_a_blocked_interval_takes_its_time_whatever_the_capacity():
    schedule = make_schedule(capacity=5)
    busy = [Busy.block(at("2026-11-23 12:00", LONDON), at("2026-11-23 13:00", LONDON))]
    times = local_times(
        available_slots(
            schedule, make_service(30), busy, now=SUNDAY_EVENING, period=MONDAY
        )
    )
    assert "11:30" in times and "13:00" in times
    assert not {"11:45", "12:00", "12:30"} & set(times)


def test_a_class_offers_its_remaining_seats():
    schedule = make_schedule(capacity=3)
    busy = [appointment("2026-11-23 10:00", 60), appointment("2026-11-23 10:00", 60)]
    slots = available_slots(
        schedule, make_service(60), busy, now=SUNDAY_EVENING, period=MONDAY
    )
    remaining = {f"{s.start.astimezone(LONDON):%H:%M}": s.remaining for s in slots}
    assert (
        remaining["10:00"] == 1 and remaining["09:00"] == 3 and remaining["11:00"] == 3
    )


def test_a_full_class_is_not_offered():
    schedule = make_schedule(capacity=2)
    busy = [appointment("2026-11-23 10:00", 60, seats=2)]
    slots = available_slots(
        schedule, make_service(60), busy, now=SUNDAY_EVENING, period=MONDAY
    )
    assert "10:00" not in local_times(slots)


def test_capacity_counts_simultaneous_seats_not_overlapping_bookings():
    # Two back-to-back appointments both overlap a 10:15 start of 60 minutes,
    # but only one seat is in use at any moment, so one of two seats remains.
    schedule = make_schedule(capacity=2)
    busy = [appointment("2026-11-23 10:00", 30), appointment("2026-11-23 10:30", 30)]
    slots = available_slots(
        schedule, make_service(60), busy, now=SUNDAY_EVENING, period=MONDAY
    )
    assert {f"{s.start.astimezone(LONDON):%H:%M}": s.remaining for s in slots}[
        "10:15"
    ] == 1


def test_the_daily_cap_closes_a_day_once_reached():
    schedule = make_schedule(daily_cap=2)
    busy = [appointment("2026-11-23 09:00"), appointment("2026-11-23 15:00")]
    week = period("2026-11-23 00:00", "2026-11-25 00:00", LONDON)
    slots = available_slots(
        schedule, make_service(), busy, now=SUNDAY_EVENING, period=week
    )
    assert {slot.start.astimezone(LONDON).day for slot in slots} == {24}


def test_the_weekly_cap_counts_the_local_iso_week():
    schedule = make_schedule(weekly_cap=1)
    busy = [appointment("2026-11-27 09:00")]  # Friday of the same week
    fortnight = period("2026-11-23 00:00", "2026-12-05 00:00", LONDON)
    slots = available_slots(
        schedule, make_service(), busy, now=SUNDAY_EVENING, period=fortnight
    )
    assert min(slot.start for slot in slots).astimezone(LONDON).day == 30  # next Monday


def test_caps_limit_the_remaining_count_of_a_class():
    schedule = make_schedule(capacity=10, daily_cap=3)
    busy = [appointment("2026-11-23 09:00")]
    slots = available_slots(
        schedule, make_service(), busy, now=SUNDAY_EVENING, period=MONDAY
    )
    assert max(slot.remaining for slot in slots) == 2


def test_a_service_not_offered_on_the_schedule_is_refused():
    with pytest.raises(ServiceNotOffered):
        available_slots(
            make_schedule(),
            make_service(schedule_ids=("other",)),
            [],
            now=SUNDAY_EVENING,
            period=MONDAY,
        )


def test_opening_hours_may_run_to_midnight():
    schedule = make_schedule(hours=weekly_hours({0: hours(("23:00", "00:00"))}))
    slots = available_slots(
        schedule,
        make_service(30),
        [],
        now=SUNDAY_EVENING,
        period=period("2026-11-23 00:00", "2026-11-25 00:00", LONDON),
    )
    assert local_times(slots) == ["23:00", "23:15", "23:30"]


def test_naive_datetimes_are_refused_as_a_programming_error():
    with pytest.raises(ValueError, match="aware"):
        available_slots(
            make_schedule(),
            make_service(),
            [],
            now=SUNDAY_EVENING.replace(tzinfo=None),
            period=MONDAY,
        )
