"""One appointment as an iCalendar file, for a customer's "add to calendar" link.

Calendar files get copied, synced and shared far beyond SafeSlot, so the event
carries only what a calendar needs to place it: when, what, with whom. Notes,
phone numbers and status reasons never go in. The rendering is the feeds' own
(`scheduling.ical`), so a file and a subscription describe an appointment alike.
"""

from __future__ import annotations

from datetime import datetime

from app.models import Appointment
from scheduling.ical import EventValues, event_uid, render_calendar


def appointment_ics(appointment: Appointment, *, client_name: str, stamp: datetime) -> bytes:
    """The .ics of `appointment`; `stamp` (when it was made) becomes DTSTAMP."""
    values = EventValues(
        uid=event_uid(appointment.id),
        start=appointment.start_at,
        end=appointment.end_at,
        stamp=stamp,
        last_modified=appointment.updated_at,
        sequence=appointment.sequence,
        status=appointment.status,
        summary=f"{appointment.service.name} – {client_name}",
    )
    return render_calendar([values], method="PUBLISH", cache=False)
