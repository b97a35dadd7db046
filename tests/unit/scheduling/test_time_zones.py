"""Time zones and DST: wall-clock opening hours, real-time appointments.

Dates used: New York springs forward 8 Mar 2026 (02:00→03:00) and falls back
1 Nov 2026 (02:00→01:00); London springs forward 29 Mar 2026 (01:00→02:00);
Lord Howe Island moves by 30 minutes (5 Apr 2026 02:00→01:30, 4 Oct 2026
02:00→02:30); Kolkata is +05:30 all year; Moscow fell back for good on
26 Oct 2014 (02:00→01:00); Samoa skipped 30 Dec 2011 altogether.
"""

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduling import (
    Period,
    available_slots,
    by_local_day,
    check_booking,
    weekly_hours,
)
from scheduling.reasons import NotOnSlotGrid
from tests.unit.scheduling.builders import at, hours, make_schedule, make_service

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
KOLKATA = ZoneInfo("Asia/Kolkata")
MOSCOW = ZoneInfo("Europe/Moscow")
APIA = ZoneInfo("Pacific/Apia")


def every_day(tz, *spans, **overrides):
    return make_schedule(
        tz=tz, hours=weekly_hours({d: hours(*spans) for d in range(7)}), **overrides
    )


def slots_on(schedule, day: str, minutes: int = 30):
    tz = schedule.tz
    start = at(f"{day} 00:00", tz)
    now = start - timedelta(days=1)
    period = Period(start, at(f"{day} 23:59", tz))
    return available_slots(schedule, make_service(minutes), [], now=now, period=period)


def walls(slots, tz):
    return [f"{s.start.astimezone(tz):%H:%M}" for s in slots]


def utc_times(slots):
    return [f"{s.start:%H:%M}" for s in slots]


def assert_no_overlap(slots):
    for earlier, later in itertools.pairwise(slots):
        assert earlier.end <= later.start, (earlier, later)


def test_new_york_spring_forward_never_offers_the_skipped_hour():
    schedule = every_day(NEW_YORK, ("00:00", "06:00"), step=timedelta(minutes=30))
    slots = slots_on(schedule, "2026-03-08")
    assert walls(slots, NEW_YORK) == [
        "00:00",
        "00:30",
        "01:00",
        "01:30",
        "03:00",
        "03:30",
        "04:00",
        "04:30",
        "05:00",
        "05:30",
    ]
    assert_no_overlap(slots)


def test_new_york_fall_back_offers_the_repeated_hour_once_as_its_first_occurrence():
    schedule = every_day(NEW_YORK, ("00:00", "03:00"), step=timedelta(minutes=30))
    slots = slots_on(schedule, "2026-11-01")
    assert utc_times(slots) == ["04:00", "04:30", "05:00", "05:30", "07:00", "07:30"]
    assert walls(slots, NEW_YORK) == [
        "00:00",
        "00:30",
        "01:00",
        "01:30",
        "02:00",
        "02:30",
    ]
    assert_no_overlap(slots)


def test_the_second_occurrence_of_a_repeated_time_is_not_bookable():
    schedule = every_day(NEW_YORK, ("00:00", "03:00"), step=timedelta(minutes=30))
    now = at("2026-10-31 12:00", NEW_YORK)
    first = at("2026-11-01 01:30", NEW_YORK, fold=0)
    second = at("2026-11-01 01:30", NEW_YORK, fold=1)
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1)
    assert check_booking(schedule, make_service(), [], now=now, start=first)
    with pytest.raises(NotOnSlotGrid):
        check_booking(schedule, make_service(), [], now=now, start=second)


def test_an_appointment_lasts_its_duration_in_real_time_across_the_change():
    schedule = every_day(NEW_YORK, ("00:00", "06:00"), step=timedelta(minutes=30))
    slot = next(
        s
        for s in slots_on(schedule, "2026-03-08", 60)
        if walls([s], NEW_YORK) == ["01:30"]
    )
    assert slot.end - slot.start == timedelta(hours=1)
    assert f"{slot.end.astimezone(NEW_YORK):%H:%M}" == "03:30"


def test_opening_at_a_skipped_time_opens_when_the_clocks_jump():
    schedule = every_day(NEW_YORK, ("02:30", "05:00"), step=timedelta(minutes=15))
    assert walls(slots_on(schedule, "2026-03-08"), NEW_YORK)[0] == "03:00"


def test_london_spring_forward_skips_one_to_two():
    schedule = every_day(LONDON, ("00:00", "04:00"))
    offered = walls(slots_on(schedule, "2026-03-29"), LONDON)
    assert not [w for w in offered if w.startswith("01:")]
    assert "00:45" in offered and "02:00" in offered


def test_london_fall_back_day_offers_each_wall_time_once():
    schedule = every_day(LONDON, ("00:00", "03:00"))
    slots = slots_on(schedule, "2026-10-25")
    offered = walls(slots, LONDON)
    assert len(offered) == len(set(offered))
    assert "01:15" in offered


def test_lord_howe_half_hour_spring_forward_skips_two_to_half_past():
    schedule = every_day(LORD_HOWE, ("01:00", "04:00"), step=timedelta(minutes=15))
    slots = slots_on(schedule, "2026-10-04")
    offered = walls(slots, LORD_HOWE)
    assert "02:00" not in offered and "02:15" not in offered
    assert offered[offered.index("01:45") + 1] == "02:30"
    # 01:45 at +10:30 and 02:30 at +11:00 are only 15 real minutes apart.
    index = offered.index("01:45")
    assert slots[index + 1].start - slots[index].start == timedelta(minutes=15)


def test_lord_howe_grid_follows_the_wall_clock_through_the_jump():
    schedule = every_day(LORD_HOWE, ("01:00", "04:00"), step=timedelta(minutes=20))
    offered = walls(slots_on(schedule, "2026-10-04", 20), LORD_HOWE)
    assert offered[:5] == ["01:00", "01:20", "01:40", "02:40", "03:00"]


def test_lord_howe_half_hour_fall_back_offers_the_repeated_half_hour_once():
    schedule = every_day(LORD_HOWE, ("01:00", "03:00"), step=timedelta(minutes=15))
    slots = slots_on(schedule, "2026-04-05", 15)
    offered = walls(slots, LORD_HOWE)
    assert offered.count("01:30") == 1 and offered.count("01:45") == 1
    assert_no_overlap(slots)


def test_kolkata_half_hour_offset_puts_nine_oclock_at_half_past_three_utc():
    schedule = every_day(KOLKATA, ("09:00", "17:00"))
    assert utc_times(slots_on(schedule, "2026-11-23"))[0] == "03:30"


def test_a_customer_in_new_york_sees_kolkata_mornings_under_the_previous_day():
    schedule = every_day(KOLKATA, ("09:00", "17:00"))
    days = by_local_day(slots_on(schedule, "2026-11-23"), NEW_YORK)
    monday_ist_as_ny = list(days)
    assert [d.isoformat() for d in monday_ist_as_ny] == ["2026-11-22", "2026-11-23"]
    first = days[monday_ist_as_ny[0]][0]
    assert f"{first.start.astimezone(NEW_YORK):%H:%M %Z}" == "22:30 EST"


def test_a_viewer_in_london_sees_new_york_slots_shift_when_only_one_side_changed_clocks():
    # 9 Mar 2026: New York is on EDT already, London not yet on BST: 4 hours apart, not 5.
    schedule = every_day(NEW_YORK, ("09:00", "10:00"))
    first = slots_on(schedule, "2026-03-09")[0]
    assert f"{first.start.astimezone(LONDON):%H:%M}" == "13:00"
    first_later = slots_on(schedule, "2026-04-06")[0]
    assert f"{first_later.start.astimezone(LONDON):%H:%M}" == "14:00"


def test_moscow_2014_permanent_fall_back_offers_the_repeated_hour_once():
    schedule = every_day(MOSCOW, ("00:00", "03:00"), step=timedelta(minutes=30))
    slots = slots_on(schedule, "2014-10-26")
    offered = walls(slots, MOSCOW)
    assert offered == ["00:00", "00:30", "01:00", "01:30", "02:00", "02:30"]
    assert slots[0].start.utcoffset() == timedelta(0)
    assert slots[0].start.astimezone(MOSCOW).utcoffset() == timedelta(hours=4)
    assert slots[-1].start.astimezone(MOSCOW).utcoffset() == timedelta(hours=3)
    assert_no_overlap(slots)


def test_samoa_skipped_day_offers_nothing_and_its_neighbours_keep_their_hours():
    schedule = every_day(APIA, ("09:00", "17:00"))
    now = datetime(2011, 12, 28, tzinfo=UTC)
    period = Period(now, datetime(2012, 1, 2, tzinfo=UTC))
    slots = available_slots(schedule, make_service(), [], now=now, period=period)
    days = {f"{s.start.astimezone(APIA):%Y-%m-%d}" for s in slots}
    assert "2011-12-30" not in days
    assert {"2011-12-29", "2011-12-31"} <= days
    thursday = next(s for s in slots if s.start.astimezone(APIA).day == 29)
    saturday = next(s for s in slots if s.start.astimezone(APIA).day == 31)
    assert thursday.start.astimezone(APIA).utcoffset() == timedelta(hours=-10)
    assert saturday.start.astimezone(APIA).utcoffset() == timedelta(hours=14)


def test_samoa_bookings_on_both_sides_of_the_skipped_day_are_accepted_24_hours_apart():
    schedule = every_day(APIA, ("09:00", "17:00"))
    now = datetime(2011, 12, 28, tzinfo=UTC)
    thursday = check_booking(
        schedule, make_service(), [], now=now, start=at("2011-12-29 10:00", APIA)
    )
    saturday = check_booking(
        schedule, make_service(), [], now=now, start=at("2011-12-31 10:00", APIA)
    )
    assert saturday.start - thursday.start == timedelta(hours=24)
