"""Retention tiers: the newest backup of each recent day, week and month is kept."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.backups.retention import RetentionPolicy, backups_to_keep

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
DEFAULT = RetentionPolicy()


def nightly(days: int, *, now: datetime = NOW, hour: int = 2) -> list[tuple[int, datetime]]:
    """One backup a night at `hour` UTC for `days` nights up to `now`."""
    last = now.replace(hour=hour, minute=0)
    return [(i, last - timedelta(days=i)) for i in range(days)]


def kept_days(backups, kept) -> list[date]:
    return sorted(at.date() for key, at in backups if key in kept)


def test_a_year_of_nightly_backups_keeps_14_days_8_weeks_and_4_months() -> None:
    backups = nightly(365)
    kept = backups_to_keep(backups, now=NOW, tz="UTC", policy=DEFAULT)
    days = kept_days(backups, kept)
    # The last 14 days, all of them.
    assert days[-14:] == [NOW.date() - timedelta(days=i) for i in reversed(range(14))]
    # Every one of the last 8 ISO weeks and the last 4 months has a backup kept.
    weeks = {d.isocalendar()[:2] for d in days}
    months = {(d.year, d.month) for d in days}
    assert {(NOW.date() - timedelta(weeks=i)).isocalendar()[:2] for i in range(8)} <= weeks
    assert {(2026, 11), (2026, 10), (2026, 9), (2026, 8)} <= months
    # And nothing older than the fourth month back.
    assert min(days) >= date(2026, 8, 1)
    assert len(kept) <= 14 + 8 + 4


def test_the_newest_of_a_day_is_the_one_kept() -> None:
    morning = ("morning", NOW.replace(hour=1))
    evening = ("evening", NOW.replace(hour=11))
    kept = backups_to_keep([morning, evening], now=NOW, tz="UTC", policy=DEFAULT)
    assert kept == {"evening"}


def test_days_are_counted_in_the_deployments_zone() -> None:
    # 23:30 UTC on the 21st is already the 22nd in Auckland: same local day as the later one.
    late = ("late", datetime(2026, 11, 21, 23, 30, tzinfo=UTC))
    later = ("later", datetime(2026, 11, 22, 1, 0, tzinfo=UTC))
    in_utc = backups_to_keep([late, later], now=NOW, tz="UTC", policy=DEFAULT)
    in_auckland = backups_to_keep([late, later], now=NOW, tz="Pacific/Auckland", policy=DEFAULT)
    assert in_utc == {"late", "later"}
    assert in_auckland == {"later"}


def test_the_last_backup_is_kept_even_when_it_is_very_old() -> None:
    ancient = [("old", NOW - timedelta(days=800)), ("older", NOW - timedelta(days=900))]
    assert backups_to_keep(ancient, now=NOW, tz="UTC", policy=DEFAULT) == {"old"}


def test_nothing_to_keep_from_nothing() -> None:
    assert backups_to_keep([], now=NOW, tz="UTC", policy=DEFAULT) == set()


def test_a_policy_without_daily_backups_is_refused() -> None:
    with pytest.raises(ValueError):
        RetentionPolicy(daily=0)


moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2026, 11, 22, 11, 59)
).map(lambda d: d.replace(tzinfo=UTC))
zones = st.sampled_from(["UTC", "Europe/London", "America/New_York", "Pacific/Auckland"])
policies = st.builds(
    RetentionPolicy,
    daily=st.integers(1, 30),
    weekly=st.integers(0, 12),
    monthly=st.integers(0, 12),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(moments, max_size=60, unique=True), zones, policies)
def test_retention_properties_hold_for_any_history(
    times: list[datetime], tz: str, policy: RetentionPolicy
) -> None:
    backups = list(enumerate(times))
    kept = backups_to_keep(backups, now=NOW, tz=tz, policy=policy)
    keys = {key for key, _ in backups}
    assert kept <= keys
    assert len(kept) <= policy.daily + policy.weekly + policy.monthly + 1
    if backups:
        newest = max(backups, key=lambda item: item[1])[0]
        assert newest in kept
    # Applying the rule to what it kept keeps all of it: pruning twice removes nothing more.
    again = backups_to_keep(
        [item for item in backups if item[0] in kept], now=NOW, tz=tz, policy=policy
    )
    assert again == kept
    # Each of the last `daily` local days that has a backup keeps its newest one.
    zone = ZoneInfo(tz)
    today = NOW.astimezone(zone).date()
    for day_back in range(policy.daily):
        day = today - timedelta(days=day_back)
        that_day = [item for item in backups if item[1].astimezone(zone).date() == day]
        if that_day:
            assert max(that_day, key=lambda item: item[1])[0] in kept
