"""One appointment as an iCalendar file, for a customer's "add to calendar" link.

Calendar files get copied, synced and shared far beyond SafeSlot, so the event
carries only what a calendar needs to place it: when, what, with whom. Notes,
phone numbers and status reasons never go in. Times are written in UTC, so no
calendar has to know the schedule's zone to show them right.
"""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event

from app.models import Appointment, AppointmentStatus

PRODUCT_ID = "-//SafeSlot//Appointments//EN"

#: iCalendar's STATUS for each status that still holds its time; the rest are cancelled
#: or over, which a calendar shows as cancelled.
_EVENT_STATUS = {
    AppointmentStatus.REQUESTED: "TENTATIVE",
    AppointmentStatus.CONFIRMED: "CONFIRMED",
    AppointmentStatus.COMPLETED: "CONFIRMED",
    AppointmentStatus.NO_SHOW: "CONFIRMED",
}


def appointment_ics(appointment: Appointment, *, client_name: str, stamp: datetime) -> bytes:
    """The .ics of `appointment`; `stamp` (when it was made) becomes DTSTAMP."""
    event = Event()
    # The UID stays the same across changes and SEQUENCE grows with each, so importing
    # the file again updates the event instead of adding a second one.
    event.add("uid", f"{appointment.id}@safeslot")
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", appointment.start_at.astimezone(UTC))
    event.add("dtend", appointment.end_at.astimezone(UTC))
    event.add("summary", f"{appointment.service.name} – {client_name}")
    event.add("sequence", appointment.sequence)
    event.add("status", _EVENT_STATUS.get(appointment.status, "CANCELLED"))

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    return calendar.to_ical()
