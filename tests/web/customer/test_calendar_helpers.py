"""The viewer-zone and month helpers behind the calendar (plain values, no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.errors import InvalidInput
from app.web.month_calendar import month_calendar
from app.web.timezones import Viewer, month_period, next_month, parse_zone, previous_month


def test_a_month_runs_from_local_midnight_to_local_midnight_across_a_dst_change():
    period = month_period(date(2031, 3, 1), ZoneInfo("Europe/London"))
    assert period.start == datetime(2031, 3, 1, 0, 0, tzinfo=UTC)  # GMT
    assert period.end == datetime(2031, 3, 31, 23, 0, tzinfo=UTC)  # BST from 30 March


def test_months_step_over_year_ends():
    assert next_month(date(2031, 12, 1)) == date(2032, 1, 1)
    assert previous_month(date(2031, 1, 1)) == date(2030, 12, 1)
    assert previous_month(date(2031, 3, 1)) == date(2031, 2, 1)


@pytest.mark.parametrize("name", ["America", "../etc/passwd", "", "utc", "Europe/London\x00"])
def test_only_real_zone_names_are_accepted(name):
    with pytest.raises(InvalidInput):
        parse_zone(name)


def test_a_viewer_names_the_zone_with_every_time():
    viewer = Viewer(ZoneInfo("America/New_York"))
    instant = datetime(2031, 7, 1, 14, 0, tzinfo=UTC)
    assert viewer.when(instant) == "Tuesday 1 July 2031, 10:00 (America/New_York)"
    assert viewer.iso(instant) == "2031-07-01T10:00-04:00"
    assert (
        viewer.elsewhere(instant, "Europe/London") == "Tuesday 1 July 2031, 15:00 (Europe/London)"
    )


def test_the_calendar_links_only_days_from_today_that_have_openings():
    openings = {date(2031, 3, 3): ["slot"], date(2031, 3, 4): ["a", "b"], date(2031, 2, 28): ["x"]}
    calendar = month_calendar(
        date(2031, 3, 1),
        openings,
        today=date(2031, 3, 4),
        last_day=date(2031, 4, 30),
        selected=date(2031, 3, 4),
        day_url=lambda d: f"/day/{d}",
        month_url=lambda m: f"/month/{m:%Y-%m}",
    )
    days = {d.day: d for week in calendar.weeks for d in week if d is not None}
    assert len(days) == 31
    assert calendar.weeks[0][:5] == [None] * 5  # 1 March 2031 is a Saturday
    assert days[date(2031, 3, 3)].url is None  # yesterday
    assert days[date(2031, 3, 4)].url == "/day/2031-03-04"
    assert days[date(2031, 3, 4)].selected
    assert days[date(2031, 3, 4)].label == "Tuesday 4 March 2031, 2 times available"
    assert calendar.previous_url is None  # this month
    assert calendar.next_url == "/month/2031-04"
