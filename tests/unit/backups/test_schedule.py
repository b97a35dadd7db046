"""When the nightly backup is due: at the configured hour in the deployment's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.backups.schedule import backup_due, latest_slot, week_key


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tz", "now", "slot"),
    [
        # 02:00 in UTC.
        ("UTC", utc(2026, 11, 22, 2, 0), utc(2026, 11, 22, 2, 0)),
        ("UTC", utc(2026, 11, 22, 1, 59), utc(2026, 11, 21, 2, 0)),
        # 02:00 in New York is 07:00 UTC in winter, 06:00 UTC in summer.
        ("America/New_York", utc(2026, 11, 22, 6, 59), utc(2026, 11, 21, 7, 0)),
        ("America/New_York", utc(2026, 11, 22, 7, 0), utc(2026, 11, 22, 7, 0)),
        ("America/New_York", utc(2026, 7, 1, 6, 0), utc(2026, 7, 1, 6, 0)),
        # 02:00 in Auckland (UTC+13 in November) is 13:00 UTC the day before.
        ("Pacific/Auckland", utc(2026, 11, 21, 13, 0), utc(2026, 11, 21, 13, 0)),
        ("Pacific/Auckland", utc(2026, 11, 21, 12, 0), utc(2026, 11, 20, 13, 0)),
    ],
)
def test_latest_slot_is_the_configured_hour_in_the_deployments_zone(
    tz: str, now: datetime, slot: datetime
) -> None:
    assert latest_slot(now, tz=tz, hour=2) == slot


def test_due_once_the_hour_has_come_and_not_again_that_night() -> None:
    before = utc(2026, 11, 22, 1, 0)
    at_two = utc(2026, 11, 22, 2, 0)
    last_night = utc(2026, 11, 21, 2, 0, 5)
    assert not backup_due(before, last_started_at=last_night, tz="UTC", hour=2)
    assert backup_due(at_two, last_started_at=last_night, tz="UTC", hour=2)
    assert not backup_due(at_two + timedelta(hours=3), last_started_at=at_two, tz="UTC", hour=2)


def test_a_missed_backup_is_made_as_soon_as_possible() -> None:
    # Nothing since two nights ago; at 01:00, before tonight's hour, it is already due.
    now = utc(2026, 11, 22, 1, 0)
    assert backup_due(now, last_started_at=utc(2026, 11, 20, 2, 0), tz="UTC", hour=2)


def test_the_very_first_backup_is_due_at_once() -> None:
    assert backup_due(utc(2026, 11, 22, 12), last_started_at=None, tz="UTC", hour=2)


def test_a_skipped_hour_falls_due_at_the_clock_change() -> None:
    # 2026-03-08: New York jumps from 02:00 to 03:00 EDT (07:00 UTC); 02:30 never happens.
    slot = latest_slot(utc(2026, 3, 8, 7, 30), tz="America/New_York", hour=2)
    assert slot == utc(2026, 3, 8, 7, 0)
    assert not backup_due(
        utc(2026, 3, 8, 6, 59),
        last_started_at=utc(2026, 3, 7, 7, 0),
        tz="America/New_York",
        hour=2,
    )


def test_a_repeated_hour_falls_due_once() -> None:
    # 2026-11-01: New York repeats 01:00-02:00; hour 1 falls due at the first 01:00 (05:00 UTC).
    first = utc(2026, 11, 1, 5, 0)
    assert latest_slot(first, tz="America/New_York", hour=1) == first
    again = utc(2026, 11, 1, 6, 30)  # 01:30 the second time round
    assert not backup_due(again, last_started_at=first, tz="America/New_York", hour=1)


def test_every_n_minutes_overrides_the_nightly_hour() -> None:
    now = utc(2026, 11, 22, 10, 17)
    assert latest_slot(now, tz="UTC", hour=2, every_minutes=15) == utc(2026, 11, 22, 10, 15)
    assert backup_due(
        now, last_started_at=utc(2026, 11, 22, 10, 14), tz="UTC", hour=2, every_minutes=15
    )
    assert not backup_due(
        now, last_started_at=utc(2026, 11, 22, 10, 15), tz="UTC", hour=2, every_minutes=15
    )


def test_a_naive_clock_is_refused() -> None:
    with pytest.raises(ValueError):
        latest_slot(datetime(2026, 11, 22, 2), tz="UTC", hour=2)


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 1, 1)).map(
        lambda d: d.replace(tzinfo=UTC)
    ),
    st.sampled_from(
        [
            "UTC",
            "Europe/London",
            "America/New_York",
            "Australia/Lord_Howe",
            "Asia/Kolkata",
            "Pacific/Chatham",
        ]
    ),
    st.integers(0, 23),
)
def test_exactly_one_slot_a_day_and_never_in_the_future(now: datetime, tz: str, hour: int) -> None:
    slot = latest_slot(now, tz=tz, hour=hour)
    assert slot <= now
    # The slot is recent: at most a day and the length of a clock change ago.
    assert now - slot < timedelta(hours=26)
    # Just before the slot, the previous slot is earlier: one backup per slot.
    assert latest_slot(slot - timedelta(seconds=1), tz=tz, hour=hour) < slot
    # A backup started at the slot satisfies it until the next one.
    assert not backup_due(now, last_started_at=slot, tz=tz, hour=hour)


def test_week_key_is_the_iso_week_in_the_zone() -> None:
    sunday_night_utc = utc(2026, 11, 22, 23, 30)  # already Monday in Auckland
    assert week_key(sunday_night_utc, tz="UTC") == "2026-W47"
    assert week_key(sunday_night_utc, tz="Pacific/Auckland") == "2026-W48"
