"""Appointments as iCalendar (RFC 5545): one shared renderer for feeds and single files.

Plain values in, bytes out. The `icalendar` library does all escaping, folding and
CRLF line ends, so a name containing a line break or "END:VEVENT" stays text inside
its property. Times are written in UTC, so no calendar has to know a schedule's zone.

Serializing costs about 0.4 ms per event, so each VEVENT is rendered once per
distinct `EventValues` (which holds everything that changes it) and the bytes are
reused; a feed is the library's own calendar header with the cached events spliced
in before its closing line. `event_digest` names those bytes across processes, so
callers may keep them anywhere (feeds keep them in the database).
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import icalendar
from icalendar import Calendar, Event, vDuration

from scheduling.status import AppointmentStatus

PRODUCT_ID = "-//SafeSlot//Appointments//EN"
#: Part of every event digest: bytes written by another version of `_event_bytes` or of
#: the library may differ, so they must not be reused. Bump when `_event_bytes` changes.
RENDERER = f"safeslot-vevent-1|icalendar-{icalendar.__version__}"
_CALENDAR_END = b"END:VCALENDAR\r\n"

#: iCalendar's STATUS for each status that still holds its time; the rest are cancelled.
_EVENT_STATUS = {
    AppointmentStatus.REQUESTED: "TENTATIVE",
    AppointmentStatus.CONFIRMED: "CONFIRMED",
    AppointmentStatus.COMPLETED: "CONFIRMED",
    AppointmentStatus.NO_SHOW: "CONFIRMED",
}


class Privacy(enum.StrEnum):
    """How much of an appointment a client's feeds reveal."""

    BUSY_ONLY = "busy_only"
    SERVICE_AND_INITIALS = "service_and_initials"
    FULL_DETAILS = "full_details"


@dataclass(frozen=True, slots=True)
class EventValues:
    """Everything one VEVENT shows; equal values render to equal bytes."""

    uid: str
    start: datetime
    end: datetime
    #: DTSTAMP; feeds pass the last change so the bytes stay the same between polls.
    stamp: datetime
    last_modified: datetime | None
    sequence: int
    status: AppointmentStatus
    summary: str
    description: str | None = None


def event_uid(appointment_id: object) -> str:
    """The UID that stays the same across every change to one appointment."""
    return f"{appointment_id}@safeslot"


def event_status(status: AppointmentStatus) -> str:
    """iCalendar STATUS for an appointment status."""
    return _EVENT_STATUS.get(status, "CANCELLED")


def initials(name: str) -> str:
    """ "Ada Lovelace" -> "A.L."; letters only, so no punctuation or markup leaks through."""
    return "".join(f"{part[0].upper()}." for part in name.split() if part[:1].isalpha())


def feed_summary(privacy: Privacy, *, service_name: str, customer_name: str) -> str:
    """The SUMMARY a feed shows at `privacy`; busy-only names nobody and no service."""
    if privacy is Privacy.BUSY_ONLY:
        return "Appointment"
    who = customer_name if privacy is Privacy.FULL_DETAILS else initials(customer_name)
    return " – ".join(part for part in (service_name, who) if part)


@lru_cache(maxsize=50_000)
def render_event(values: EventValues) -> bytes:
    """One serialized VEVENT (cached: the key is every value that appears in it)."""
    return _event_bytes(values)


def event_digest(values: EventValues) -> str:
    """A stable name for the bytes `render_event(values)` gives, in any process.

    Every value the event shows is in it (the dataclass's repr lists every field,
    with its type), and so is the renderer, so equal digests mean equal bytes.
    """
    return hashlib.sha256(f"{RENDERER}\n{values!r}".encode()).hexdigest()


def _event_bytes(values: EventValues) -> bytes:
    event = Event()
    event.add("uid", values.uid)
    event.add("dtstamp", values.stamp.astimezone(UTC))
    event.add("dtstart", values.start.astimezone(UTC))
    event.add("dtend", values.end.astimezone(UTC))
    if values.last_modified is not None:
        event.add("last-modified", values.last_modified.astimezone(UTC))
    event.add("summary", values.summary)
    if values.description:
        event.add("description", values.description)
    # SEQUENCE grows with each change, so a calendar updates the event in place.
    event.add("sequence", values.sequence)
    event.add("status", event_status(values.status))
    return event.to_ical()


def render_calendar(
    events: Iterable[EventValues],
    *,
    name: str | None = None,
    method: str | None = None,
    refresh_minutes: int | None = None,
    cache: bool = True,
) -> bytes:
    """A VCALENDAR holding `events`, with the calendar name and refresh hints given.

    Pass `cache=False` for one-off files whose DTSTAMP is "now": caching them would
    only evict events that feeds will ask for again.
    """
    render = render_event if cache else _event_bytes
    return calendar_bytes(
        (render(values) for values in events),
        name=name,
        method=method,
        refresh_minutes=refresh_minutes,
    )


def calendar_bytes(
    events: Iterable[bytes],
    *,
    name: str | None = None,
    method: str | None = None,
    refresh_minutes: int | None = None,
) -> bytes:
    """A VCALENDAR around VEVENTs already serialized by `render_event`."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    if refresh_minutes:
        # Google and Outlook read X-PUBLISHED-TTL; Apple and RFC 7986 read REFRESH-INTERVAL.
        every = timedelta(minutes=refresh_minutes)
        calendar.add("refresh-interval", every, parameters={"VALUE": "DURATION"})
        # An unknown X- property has no type to give the library, so it gets the text form.
        calendar.add("x-published-ttl", vDuration(every).to_ical().decode())
    header = calendar.to_ical()
    body = b"".join(events)
    return header[: -len(_CALENDAR_END)] + body + _CALENDAR_END
