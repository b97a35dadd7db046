"""Reading opening hours typed as text: strict, and every refusal names the day."""

from datetime import time

import pytest

from app.web.forms.fields import parse_intervals


def test_several_intervals_are_read_in_the_order_written():
    assert parse_intervals("09:00-12:30, 13:30 – 17:00;", "Monday") == [
        (time(9), time(12, 30)),
        (time(13, 30), time(17)),
    ]


@pytest.mark.parametrize("closed", ["", "   ", "closed", "Closed"])
def test_an_empty_day_is_closed(closed):
    assert parse_intervals(closed, "Sunday") == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9-5", "Tuesday: “9-5” is not a time range; write it like 09:00-12:30."),
        ("09:00", "Tuesday: “09:00” is not a time range"),
        ("09:00-12:00 13:00-17:00", "is not a time range"),
        ("25:00-26:00", "Tuesday: 25:00 is not a time of day (00:00 to 23:59)."),
        ("09:00-09:60", "Tuesday: 09:60 is not a time of day"),
        ("24:00-24:00", "Tuesday: 24:00 is not a time of day"),
    ],
)
def test_what_cannot_be_read_is_refused_naming_the_day(typed, message):
    with pytest.raises(ValueError) as refused:
        parse_intervals(typed, "Tuesday")
    assert str(refused.value).startswith("Tuesday: ")
    assert message in str(refused.value)
