"""What an appointment e-mail may say, and its calendar file.

E-mail is not a private channel: by default a message names only the business,
the service, the time (in the schedule's zone, which it names) and a link to
sign in and see the rest. A client may choose to add the staff names and the
schedule's name. Notes, phone numbers and reasons never go in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.mail.messages import Attachment
from app.models import Appointment, Client
from app.services.reminders_settings import client_settings
from app.web.ics import appointment_ics


@dataclass(frozen=True)
class AppointmentFacts:
    """The values an appointment e-mail template may use."""

    business: str
    service: str
    #: e.g. "Tuesday 3 March 2026, 14:00 (Europe/London)"
    when: str
    timezone: str
    link: str
    status: str
    #: Only when the client chose to include them.
    staff: str | None = None
    schedule: str | None = None


def local_time(moment: datetime, zone: str) -> str:
    """`moment` on the clock of `zone`, naming the zone."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%A} {local.day} {local:%B %Y, %H:%M} ({zone})"


def appointment_link(base_url: str, client: Client, appointment: Appointment) -> str:
    """The customer's page of the appointment (they sign in to see it)."""
    return f"{base_url}/c/{client.slug}/appointments/{appointment.id}"


def appointment_facts(
    session: Session, appointment: Appointment, client: Client, *, base_url: str
) -> AppointmentFacts:
    """The facts of `appointment`, limited to what the client lets e-mail show."""
    settings = client_settings(session, client.id)
    schedule = appointment.schedule
    staff = ", ".join(sorted(user.display_name for user in schedule.staff))
    return AppointmentFacts(
        business=client.name,
        service=appointment.service.name,
        when=local_time(appointment.start_at, schedule.timezone),
        timezone=schedule.timezone,
        link=appointment_link(base_url, client, appointment),
        status=appointment.status.label,
        staff=(staff or None) if settings.include_staff else None,
        schedule=schedule.name if settings.include_schedule else None,
    )


def calendar_attachment(appointment: Appointment, client: Client, *, now: datetime) -> Attachment:
    """The appointment's .ics (METHOD:PUBLISH), the same file its page offers."""
    return Attachment(
        filename="appointment.ics",
        content=appointment_ics(appointment, client_name=client.name, stamp=now),
        maintype="text",
        subtype="calendar",
        params={"method": "PUBLISH", "charset": "utf-8"},
    )
