"""Properties that must hold for every schedule, busy set and clock.

Each offered slot is checked against a brute-force reading of the rules
written independently here (wall-clock hours, grid, notice, horizon, seats
counted moment by moment, caps), `check_booking` must agree with
`available_slots` on every 5-minute instant of the period, and the order of
busy intervals must not matter.
"""

from __future__ import annotations

import itertools
import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduling import (
    BookingRefused,
    Busy,
    BusyKind,
    Closure,
    DateOverride,
    Period,
    Schedule,
    Service,
    TimeRange,
    available_slots,
    check_booking,
)

ZONES = [
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "Europe/Moscow",
    "Pacific/Apia",
    "America/Santiago",
    "UTC",
]
#: Days around clock changes in those zones (and ordinary days) to centre `now` on.
PIVOTS = [
    datetime(2026, 3, 8),
    datetime(2026, 3, 29),
    datetime(2026, 4, 5),
    datetime(2026, 10, 4),
    datetime(2026, 10, 25),
    datetime(2026, 11, 1),
    datetime(2014, 10, 26),
    datetime(2011, 12, 29),
    datetime(2026, 9, 6),
    datetime(2026, 4, 5),
    datetime(2026, 6, 15),
]
PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def day_hours(draw) -> tuple[TimeRange, ...]:
    marks = sorted(draw(st.sets(st.integers(0, 96), max_size=6)))
    pairs = [(marks[i], marks[i + 1]) for i in range(0, len(marks) - 1, 2)]
    return tuple(
        TimeRange(_clock(a), time(0) if b == 96 else _clock(b))
        for a, b in pairs
        if a < b
    )


def _clock(quarter: int) -> time:
    return time(quarter // 4, 15 * (quarter % 4))


@st.composite
def scenarios(draw):
    tz = ZoneInfo(draw(st.sampled_from(ZONES)))
    pivot = draw(st.sampled_from(PIVOTS))
    # Clocks on 5-minute marks, or just either side, put notice and horizon
    # boundaries right on grid starts.
    now = (pivot + timedelta(minutes=5 * draw(st.integers(-864, 288)))).replace(
        tzinfo=UTC
    )
    now += timedelta(seconds=draw(st.sampled_from([0, 0, 17, -17])))
    local_today = now.astimezone(tz).date()
    near_days = st.integers(-1, 4).map(lambda n: local_today + timedelta(days=n))
    overrides = {
        d: DateOverride(d, draw(day_hours()))
        for d in draw(st.sets(near_days, max_size=2))
    }
    closures = tuple(
        Closure(d, d + timedelta(days=draw(st.integers(0, 2))))
        for d in draw(st.sets(near_days, max_size=1))
    )
    schedule = Schedule(
        id="s",
        tz=tz,
        hours=tuple(draw(day_hours()) for _ in range(7)),
        overrides=tuple(overrides.values()),
        closures=closures,
        step=timedelta(minutes=draw(st.sampled_from([5, 10, 15, 20, 30, 60]))),
        buffer_before=timedelta(minutes=draw(st.sampled_from([0, 0, 5, 15]))),
        buffer_after=timedelta(minutes=draw(st.sampled_from([0, 0, 10]))),
        min_notice=timedelta(minutes=draw(st.sampled_from([0, 30, 120, 120, 1440]))),
        horizon=timedelta(hours=draw(st.integers(1, 168))),
        capacity=draw(st.sampled_from([1, 1, 2, 3])),
        daily_cap=draw(st.sampled_from([None, None, 1, 3])),
        weekly_cap=draw(st.sampled_from([None, None, 2, 6])),
    )
    service = Service(
        "v",
        "Service",
        timedelta(minutes=draw(st.sampled_from([5, 15, 30, 45, 90]))),
        frozenset({"s"}),
    )
    busy = [draw(busy_items(now)) for _ in range(draw(st.integers(0, 12)))]
    start = now + timedelta(minutes=draw(st.integers(-600, 600)))
    period = Period(start, start + timedelta(hours=draw(st.integers(1, 72))))
    return schedule, service, busy, now, period


@st.composite
def busy_items(draw, now: datetime) -> Busy:
    start = now.replace(second=0) + timedelta(minutes=5 * draw(st.integers(-300, 1200)))
    end = start + timedelta(minutes=draw(st.sampled_from([5, 15, 30, 60, 120])))
    if draw(st.integers(0, 9)) == 0:
        return Busy.block(start, end)
    return Busy(
        start,
        end,
        buffer_before=timedelta(minutes=draw(st.sampled_from([0, 0, 5]))),
        buffer_after=timedelta(minutes=draw(st.sampled_from([0, 0, 10]))),
        seats=draw(st.sampled_from([1, 1, 1, 2])),
    )


# --- an independent, brute-force reading of the rules -------------------------


def wall_ranges(schedule: Schedule, day: date) -> tuple[TimeRange, ...]:
    if any(c.first_day <= day <= c.last_day for c in schedule.closures):
        return ()
    for override in schedule.overrides:
        if override.day == day:
            return override.hours
    return schedule.hours[day.weekday()]


def real_bounds(day: date, hours: TimeRange, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The widest real-time reading of a wall interval (either fold at each end)."""
    start = datetime.combine(day, hours.start)
    end = datetime.combine(day + timedelta(days=hours.ends_at_midnight), hours.end)
    starts = [start.replace(tzinfo=tz, fold=f).astimezone(UTC) for f in (0, 1)]
    ends = [end.replace(tzinfo=tz, fold=f).astimezone(UTC) for f in (0, 1)]
    return min(starts), max(ends)


def seats_in_use(
    busy: list[Busy], capacity: int, first: datetime, last: datetime
) -> int:
    """Most seats in use at any moment of [first, last), moment by moment."""
    spans = [
        (
            b.start - b.buffer_before,
            b.end + b.buffer_after,
            capacity if b.kind is BusyKind.BLOCK else b.seats,
        )
        for b in busy
    ]
    moments = {first} | {s for s, _, _ in spans if first <= s < last}
    return max(sum(n for s, e, n in spans if s <= m < e) for m in moments)


def bookings_between(busy: list[Busy], first: datetime, last: datetime) -> int:
    return sum(
        1 for b in busy if b.kind is BusyKind.APPOINTMENT and first <= b.start < last
    )


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    moment = datetime.combine(day, time(0)).replace(tzinfo=tz)
    utc = moment.astimezone(UTC)
    while utc.astimezone(tz).date() < day:  # midnight skipped by a clock change
        utc += timedelta(minutes=1)
    return utc


# --- the properties -----------------------------------------------------------


@PROPERTY_SETTINGS
@given(scenarios())
def test_every_offered_slot_obeys_every_rule(scenario):
    schedule, service, busy, now, period = scenario
    tz = schedule.tz
    slots = available_slots(schedule, service, busy, now=now, period=period)
    starts = [slot.start for slot in slots]
    assert starts == sorted(set(starts)), (
        "starts are strictly increasing: none offered twice"
    )
    for slot in slots:
        wall = slot.start.astimezone(tz)
        assert wall.fold == 0 or wall.replace(fold=0).astimezone(UTC) == slot.start
        assert (
            wall.replace(tzinfo=None).replace(tzinfo=tz).astimezone(UTC) == slot.start
        )
        assert period.start <= slot.start < period.end
        assert now + schedule.min_notice <= slot.start <= now + schedule.horizon
        assert slot.end - slot.start == service.duration
        day, clock = wall.date(), wall.time().replace(tzinfo=None)
        inside = [
            r
            for r in wall_ranges(schedule, day)
            if r.start <= clock and (r.ends_at_midnight or clock < r.end)
        ]
        assert len(inside) == 1, "a slot starts inside exactly one opening interval"
        opens, closes = real_bounds(day, inside[0], tz)
        assert opens <= slot.start and slot.end <= closes
        offset = datetime.combine(day, clock) - datetime.combine(day, inside[0].start)
        assert offset % schedule.step == timedelta(0), (
            "slots start on the wall-clock grid"
        )
        window = (slot.start - schedule.buffer_before, slot.end + schedule.buffer_after)
        in_use = seats_in_use(busy, schedule.capacity, *window)
        assert in_use + 1 <= schedule.capacity, "booking it never exceeds capacity"
        remaining = schedule.capacity - in_use
        if schedule.daily_cap:
            day_start = local_midnight(day, tz)
            booked = bookings_between(
                busy, day_start, local_midnight(day + timedelta(days=1), tz)
            )
            assert booked < schedule.daily_cap
            remaining = min(remaining, schedule.daily_cap - booked)
        if schedule.weekly_cap:
            monday = day - timedelta(days=day.weekday())
            week = (
                local_midnight(monday, tz),
                local_midnight(monday + timedelta(days=7), tz),
            )
            booked = bookings_between(busy, *week)
            assert booked < schedule.weekly_cap
            remaining = min(remaining, schedule.weekly_cap - booked)
        assert slot.remaining == remaining


@PROPERTY_SETTINGS
@given(scenarios())
def test_check_booking_accepts_exactly_the_offered_starts(scenario):
    schedule, service, busy, now, period = scenario
    offered = {
        s.start: s
        for s in available_slots(schedule, service, busy, now=now, period=period)
    }
    moment = period.start.replace(second=0, microsecond=0)
    moment -= timedelta(minutes=moment.minute % 5)
    checked = 0
    while moment < period.end and checked < 1000:
        if moment >= period.start:
            try:
                slot = check_booking(schedule, service, busy, now=now, start=moment)
            except BookingRefused:
                assert moment not in offered, f"{moment} offered but refused"
            else:
                assert offered.get(moment) == slot, f"{moment} accepted but not offered"
            checked += 1
        moment += timedelta(minutes=5)


@PROPERTY_SETTINGS
@given(scenarios(), st.randoms(use_true_random=False))
def test_the_order_of_busy_intervals_does_not_matter(scenario, rng: random.Random):
    schedule, service, busy, now, period = scenario
    shuffled = list(busy)
    rng.shuffle(shuffled)
    assert available_slots(
        schedule, service, busy, now=now, period=period
    ) == available_slots(schedule, service, shuffled, now=now, period=period)


@PROPERTY_SETTINGS
@given(scenarios())
def test_one_to_one_slots_one_step_long_never_overlap_in_real_time(scenario):
    schedule, _, _, now, period = scenario
    one_to_one = Schedule(
        id="s",
        tz=schedule.tz,
        hours=schedule.hours,
        overrides=schedule.overrides,
        closures=schedule.closures,
        step=schedule.step,
        horizon=timedelta(days=5),
    )
    service = Service("v", "Service", schedule.step, frozenset({"s"}))
    slots = available_slots(one_to_one, service, [], now=now, period=period)
    for earlier, later in itertools.pairwise(slots):
        assert earlier.end <= later.start


@PROPERTY_SETTINGS
@given(scenarios())
def test_booking_an_offered_slot_removes_every_overlapping_start(scenario):
    schedule, service, busy, now, period = scenario
    slots = available_slots(schedule, service, busy, now=now, period=period)
    if not slots or schedule.capacity != 1:
        return
    chosen = slots[len(slots) // 2]
    booked = busy + [
        Busy(chosen.start, chosen.end, schedule.buffer_before, schedule.buffer_after)
    ]
    for slot in available_slots(schedule, service, booked, now=now, period=period):
        assert (
            slot.end + schedule.buffer_after + schedule.buffer_before <= chosen.start
            or (
                slot.start
                >= chosen.end + schedule.buffer_after + schedule.buffer_before
            )
        )
