"""What the JSON API accepts: query parameters and request bodies, validated by pydantic.

A model either yields typed values or raises `ValidationError`, which the API turns
into a 400 naming each offending field (`app.api.errors`). Input values are never
echoed back: a body can carry private notes.
"""

from __future__ import annotations

import uuid
from datetime import date
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from app.services.booking import MAX_NOTES

#: How many days one availability request may cover (a month view, plus a little).
MAX_DAYS = 62
#: Dates outside these bounds are certainly typing errors, and would overflow date arithmetic.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2999, 12, 31)


@cache
def _known_zones() -> frozenset[str]:
    # The system's IANA names; a lookup in this set never touches the file system with
    # user input (ZoneInfo("../x") is refused before it is ever attempted).
    return frozenset(available_timezones())


def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`, or ValueError with a readable message."""
    if name not in _known_zones():
        raise ValueError("must be an IANA time zone name such as Europe/London")
    return ZoneInfo(name)


class AvailabilityQuery(BaseModel):
    """`?service=&schedule=&from=&days=&tz=` of the availability endpoint."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    service: uuid.UUID
    #: One schedule's ID, or None for "any": each start once, on the first schedule with room.
    schedule: uuid.UUID | None = None
    #: First local date (in `tz`); today in `tz` when absent.
    first_day: date | None = Field(default=None, alias="from", ge=EARLIEST_DATE, le=LATEST_DATE)
    days: int = Field(default=7, ge=1, le=MAX_DAYS)
    #: The viewer's zone; the client's zone when absent.
    tz: str | None = None

    @field_validator("schedule", mode="before")
    @classmethod
    def _schedule_or_any(cls, value: object) -> object:
        if value in (None, "any"):
            return None
        try:
            return uuid.UUID(str(value))
        except ValueError:
            raise ValueError('must be a schedule ID or "any"') from None

    @field_validator("tz")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            zone(value)
        return value


class BookingPayload(BaseModel):
    """The body of `POST .../appointments`."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)

    service: uuid.UUID
    #: None books the first schedule offering the service that has room.
    schedule: uuid.UUID | None = None
    #: With its UTC offset ("2031-03-03T10:00:00+00:00" or "...Z"); a bare local time
    #: is ambiguous and refused.
    start: AwareDatetime
    notes: str = Field(default="", max_length=MAX_NOTES)
