"""SafeSlot's scheduling engine: what can be booked, and why not.

The pure core of the product. It takes plain values (frozen dataclasses,
aware datetimes, `zoneinfo` zones) and returns plain values; it imports no web
framework, database or task queue, and never reads the clock: `now` is always
a parameter.

- `model`: Schedule, Service, Busy, Period, Slot and opening-hour values.
- `availability.available_slots`: every bookable start in a period.
- `booking.check_booking`: accept one start or raise the precise reason.
- `grouping.by_local_day`: slots arranged under a viewer's local dates.
- `policy`: cancellation and reschedule cut-offs.
- `status`: the appointment status life cycle.
- `reasons`: the domain exceptions, with messages people read.
- `ical`: appointments as iCalendar, for feeds and single files (via `icalendar`).
- `wallclock`, `opening`, `grid`, `load`, `caps`: the DST rules, opening
  windows, slot grid, seat load and caps the two answers share.
"""

from scheduling.availability import available_slots
from scheduling.booking import check_booking
from scheduling.grouping import by_local_day, local_start
from scheduling.model import (
    Busy,
    BusyKind,
    Closure,
    DateOverride,
    Period,
    Schedule,
    Service,
    Slot,
    TimeRange,
    weekly_hours,
)
from scheduling.policy import ChangePolicy, check_can_cancel, check_can_reschedule
from scheduling.reasons import BookingRefused, ChangeRefused, SchedulingError
from scheduling.status import AppointmentStatus, check_transition

__all__ = [
    "AppointmentStatus",
    "BookingRefused",
    "Busy",
    "BusyKind",
    "ChangePolicy",
    "ChangeRefused",
    "Closure",
    "DateOverride",
    "Period",
    "Schedule",
    "SchedulingError",
    "Service",
    "Slot",
    "TimeRange",
    "available_slots",
    "by_local_day",
    "check_booking",
    "check_can_cancel",
    "check_can_reschedule",
    "check_transition",
    "local_start",
    "weekly_hours",
]
