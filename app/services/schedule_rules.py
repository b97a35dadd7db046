"""The rules a schedule's settings and opening hours must follow, checked before any write.

Every refusal is an `InvalidField` naming the form field and saying, in a sentence
a person understands, what is wrong and what is allowed.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import time
from functools import cache
from zoneinfo import available_timezones

from app.services.field_errors import InvalidField

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
MAX_NAME = 200
MAX_REASON = 200
#: More intervals than this on one day is almost certainly a typing mistake.
MAX_INTERVALS_PER_DAY = 6
#: (lowest, highest) allowed value of each numeric setting.
STEP_MINUTES = (5, 240)
BUFFER_MINUTES = (0, 240)
NOTICE_MINUTES = (0, 30 * 24 * 60)
HORIZON_DAYS = (1, 730)
CAPACITY = (1, 1000)
CAP = (1, 10_000)

#: An opening interval as wall-clock (start, end) in the schedule's zone.
Interval = tuple[time, time]


@dataclass(frozen=True)
class ScheduleSettings:
    """Everything the schedule form sets, as plain values."""

    name: str
    slug: str
    timezone: str
    slot_step_minutes: int = 15
    buffer_before_minutes: int = 0
    buffer_after_minutes: int = 0
    min_notice_minutes: int = 120
    horizon_days: int = 60
    capacity: int = 1
    daily_cap: int | None = None
    weekly_cap: int | None = None
    approval_required: bool = False
    is_active: bool = True
    service_ids: tuple[uuid.UUID, ...] = ()
    staff_ids: tuple[uuid.UUID, ...] = ()


#: Names the zone database ships that are not places: "localtime" is whatever the server
#: is set to, "Factory" a placeholder.
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})


@cache
def known_timezones() -> tuple[str, ...]:
    """IANA zone names this system knows, sorted (for pick lists and checks)."""
    return tuple(sorted(available_timezones() - _NOT_ZONES))


def checked_settings(settings: ScheduleSettings) -> ScheduleSettings:
    """`settings` with names trimmed, or `InvalidField` for the first rule broken."""
    name, slug = settings.name.strip(), settings.slug.strip()
    if not name:
        raise InvalidField("name", "Give the schedule a name.")
    if len(name) > MAX_NAME:
        raise InvalidField("name", f"A name can be at most {MAX_NAME} characters.")
    if not SLUG_PATTERN.fullmatch(slug):
        raise InvalidField(
            "slug",
            "A web address name is 1 to 63 lower-case letters, digits and hyphens, "
            "and does not start or end with a hyphen.",
        )
    if settings.timezone not in known_timezones():
        raise InvalidField(
            "timezone",
            f"“{settings.timezone}” is not a time zone we know. "
            "Use a name such as Europe/London or America/New_York.",
        )
    _between(
        "slot_step_minutes", "The slot step", settings.slot_step_minutes, STEP_MINUTES, "minutes"
    )
    _between(
        "buffer_before_minutes",
        "The buffer before",
        settings.buffer_before_minutes,
        BUFFER_MINUTES,
        "minutes",
    )
    _between(
        "buffer_after_minutes",
        "The buffer after",
        settings.buffer_after_minutes,
        BUFFER_MINUTES,
        "minutes",
    )
    _between(
        "min_notice_minutes",
        "The minimum notice",
        settings.min_notice_minutes,
        NOTICE_MINUTES,
        "minutes",
    )
    _between("horizon_days", "The booking horizon", settings.horizon_days, HORIZON_DAYS, "days")
    _between("capacity", "The capacity", settings.capacity, CAPACITY, "people at a time")
    if settings.daily_cap is not None:
        _between("daily_cap", "The daily limit", settings.daily_cap, CAP, "bookings")
    if settings.weekly_cap is not None:
        _between("weekly_cap", "The weekly limit", settings.weekly_cap, CAP, "bookings")
    if settings.min_notice_minutes >= settings.horizon_days * 24 * 60:
        raise InvalidField(
            "min_notice_minutes",
            "The minimum notice is as long as the booking horizon, so nothing could ever "
            "be booked. Shorten the notice or lengthen the horizon.",
        )
    return replace(settings, name=name, slug=slug)


def _between(field: str, label: str, value: int, bounds: tuple[int, int], unit: str) -> None:
    low, high = bounds
    if not low <= value <= high:
        raise InvalidField(field, f"{label} must be between {low:,} and {high:,} {unit}.")


def checked_intervals(field: str, label: str, intervals: Iterable[Interval]) -> list[Interval]:
    """One day's intervals in order; refused, naming `label`, if any is empty or they overlap."""
    ordered = sorted(intervals)
    if len(ordered) > MAX_INTERVALS_PER_DAY:
        raise InvalidField(
            field, f"{label}: at most {MAX_INTERVALS_PER_DAY} opening intervals, please."
        )
    for start, end in ordered:
        if end < start:
            raise InvalidField(field, f"{label}: {_span(start, end)} ends before it starts.")
        if end == start:
            raise InvalidField(field, f"{label}: {_span(start, end)} ends as soon as it starts.")
    for before, after in itertools.pairwise(ordered):
        if after[0] < before[1]:
            raise InvalidField(field, f"{label}: {_span(*before)} and {_span(*after)} overlap.")
    return ordered


def checked_reason(field: str, reason: str) -> str:
    """A closure's reason, trimmed and not too long."""
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise InvalidField(field, f"A reason can be at most {MAX_REASON} characters.")
    return reason


def describe_intervals(intervals: Iterable[Interval]) -> str:
    """'09:00-12:30, 13:30-17:00': the text format the hours forms read back."""
    return ", ".join(_span(start, end) for start, end in intervals)


def _span(start: time, end: time) -> str:
    return f"{start:%H:%M}-{end:%H:%M}"
