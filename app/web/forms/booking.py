"""Booking input: the choices a link or hidden field carries, and the forms people fill in.

Every value that arrives in a URL or a hidden field may have been edited by
hand, so each one is parsed here into a typed value or refused with an
`InvalidInput` whose message says exactly what is wrong (answered 400). Whether
the named service or schedule exists, and whether the time can be booked, is
for the scope and the engine to say afterwards.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_wtf import FlaskForm
from wtforms import HiddenField, TelField, TextAreaField
from wtforms.validators import Length, Optional, Regexp

from app.errors import InvalidInput
from app.services.booking import MAX_NOTES, MAX_PHONE

#: The schedule choice meaning "whichever schedule has room first".
ANY_SCHEDULE = "any"
#: Longer than any value we produce; longer input is refused before it is parsed.
MAX_PARAMETER = 64
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Calendar pages outside these years are refused rather than computed.
FIRST_YEAR, LAST_YEAR = 2000, 2999


@dataclass(frozen=True)
class BookingChoice:
    """What a booking link says: a service, a schedule (None: first available), a day or start."""

    service_id: uuid.UUID
    schedule_id: uuid.UUID | None = None
    month: date | None = None
    day: date | None = None
    start: datetime | None = None

    @classmethod
    def parse(cls, values: Mapping[str, str]) -> BookingChoice:
        """Parse query parameters or hidden fields; `InvalidInput` names the bad one."""
        day = parse_day(parameter(values, "day"))
        return cls(
            service_id=parse_id(parameter(values, "service"), "service", required=True),
            schedule_id=parse_schedule(parameter(values, "schedule")),
            # A chosen day decides the month shown, whatever the link says.
            month=day.replace(day=1) if day else parse_month(parameter(values, "month")),
            day=day,
            start=parse_start(parameter(values, "start")),
        )

    @property
    def schedule_param(self) -> str:
        """The schedule as links write it."""
        return str(self.schedule_id) if self.schedule_id else ANY_SCHEDULE


def parameter(values: Mapping[str, str], name: str) -> str:
    """The stripped value of `name` ("" if absent); `InvalidInput` if it is far too long."""
    value = values.get(name) or ""
    if len(value) > MAX_PARAMETER:
        raise InvalidInput(f"The {name} in this link is too long to be valid.")
    return value.strip()


def parse_id(value: str, what: str, *, required: bool = False) -> uuid.UUID | None:
    """A record ID from a link; `InvalidInput` if it is not one."""
    if not value:
        if required:
            raise InvalidInput(f"Please choose a {what}.")
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InvalidInput(
            f"The {what} in this link is not valid. Please choose one from the list."
        ) from None


def parse_schedule(value: str) -> uuid.UUID | None:
    """A schedule ID, or None for "any" (first available)."""
    if value in ("", ANY_SCHEDULE):
        return None
    return parse_id(value, "schedule")


def parse_month(value: str) -> date | None:
    """The first day of a YYYY-MM month."""
    if not value:
        return None
    match = _MONTH.fullmatch(value)
    if not match or not 1 <= int(match[2]) <= 12:
        raise InvalidInput("A month is written YYYY-MM, for example 2031-03.")
    if not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        raise InvalidInput("That month is too far from today to show.")
    return date(int(match[1]), int(match[2]), 1)


def parse_day(value: str) -> date | None:
    """A YYYY-MM-DD date."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value) if _DAY.fullmatch(value) else None
    except ValueError:
        day = None
    if day is None:
        raise InvalidInput("A day is written YYYY-MM-DD, for example 2031-03-03, and must exist.")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput("That day is too far from today to show.")
    return day


def parse_start(value: str) -> datetime | None:
    """An ISO 8601 instant with its zone (the links use UTC, e.g. 2031-03-03T10:00:00Z)."""
    if not value:
        return None
    try:
        start = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            "The time in this link is not valid. Please choose one of the times offered."
        ) from None
    if start.tzinfo is None or start.utcoffset() is None:
        raise InvalidInput("The time in this link has no time zone. Please choose a time again.")
    return start.astimezone(UTC)


def require_start(choice: BookingChoice) -> datetime:
    """The chosen start, which a confirm step cannot do without."""
    if choice.start is None:
        raise InvalidInput("Please choose a time first.")
    return choice.start


class BookingForm(FlaskForm):
    """The confirm step: the choice travels in hidden fields, the rest the customer types."""

    service = HiddenField()
    schedule = HiddenField()
    start = HiddenField()
    tz = HiddenField()
    notes = TextAreaField(
        "Anything you would like us to know (optional)",
        validators=[
            Optional(),
            Length(max=MAX_NOTES, message=f"Notes can be at most {MAX_NOTES} characters."),
        ],
    )
    contact_phone = TelField(
        "Phone number (optional)",
        validators=[
            Optional(),
            Length(max=MAX_PHONE, message=f"A phone number can be at most {MAX_PHONE} characters."),
            Regexp(
                r"^[0-9+()\-. ]*$",
                message="A phone number uses digits, spaces and + ( ) - . only.",
            ),
        ],
    )


class CancelForm(FlaskForm):
    """Confirms a cancellation; it carries only its CSRF token."""


class RescheduleForm(FlaskForm):
    """Confirms a move to the start in the hidden field."""

    start = HiddenField()
    tz = HiddenField()
