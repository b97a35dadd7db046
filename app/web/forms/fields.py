"""Form fields that read staff input strictly and say exactly what is wrong with it."""

from __future__ import annotations

import re
from datetime import time

from wtforms import DateField, IntegerField, StringField
from wtforms.validators import InputRequired, Optional

from app.services.schedule_rules import Interval, describe_intervals

#: One interval: "09:00-12:30" (an en or em dash and spaces are fine too).
_INTERVAL = re.compile(r"(\d{1,2}):(\d{2})\s*[-–—]\s*(\d{1,2}):(\d{2})")
_SEPARATOR = re.compile(r"[,;]")


def parse_intervals(text: str, label: str) -> list[Interval]:
    """'09:00-12:30, 13:30-17:00' as intervals; blank or 'closed' is none.

    Only the writing is checked here; whether the intervals make sense (order,
    overlaps) is the schedule rules' job, so every caller gets the same answer.
    """
    text = text.strip()
    if not text or text.lower() == "closed":
        return []
    intervals = []
    for part in _SEPARATOR.split(text):
        part = part.strip()
        if not part:
            continue  # a stray trailing comma
        match = _INTERVAL.fullmatch(part)
        if match is None:
            raise ValueError(f"{label}: “{part}” is not a time range; write it like 09:00-12:30.")
        start_h, start_m, end_h, end_m = match.groups()
        intervals.append((_clock(label, start_h, start_m), _clock(label, end_h, end_m)))
    return intervals


def _clock(label: str, hours: str, minutes: str) -> time:
    if int(hours) > 23 or int(minutes) > 59:
        raise ValueError(f"{label}: {hours}:{minutes} is not a time of day (00:00 to 23:59).")
    return time(int(hours), int(minutes))


class HoursField(StringField):
    """Opening intervals typed as text; `intervals` holds them once the text parsed."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.intervals: list[Interval] = []

    def process_data(self, value) -> None:
        # Filled from stored intervals (a list) or from text.
        if isinstance(value, list):
            self.intervals = value
            value = describe_intervals(value)
        super().process_data(value)

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        self.intervals = parse_intervals(self.data or "", self.label.text)


class DayField(DateField):
    """A date, written 2031-03-14 (what a browser's date picker sends)."""

    def __init__(self, label: str, optional: bool = False, **kwargs) -> None:
        validators = [Optional()] if optional else [InputRequired(f"Choose the {label.lower()}.")]
        super().__init__(
            label,
            validators=validators,
            invalid_value_message=f"{label}: enter a date like 2031-03-14.",
            **kwargs,
        )


class WholeNumberField(IntegerField):
    """A whole number; blank is None when `optional`, else refused with the field's name."""

    def __init__(self, label: str, optional: bool = False, **kwargs) -> None:
        validators = [Optional()] if optional else [InputRequired(f"Fill in the {label.lower()}.")]
        super().__init__(
            label,
            validators=validators,
            invalid_value_message=f"{label}: enter a whole number, like 15.",
            **kwargs,
        )
