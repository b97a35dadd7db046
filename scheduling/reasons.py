"""Why the engine refuses: domain exceptions whose messages people read.

Each refusal carries a stable `code` (for the API and tests) and a sentence a
booking form can show as it is. Messages never name customers or any private
field: they describe the schedule's rules and the requested time only.
"""

from __future__ import annotations

from datetime import date, timedelta


def describe_duration(span: timedelta) -> str:
    """'2 hours', '90 minutes', '1 day' — how people say a notice or cut-off."""
    minutes = int(span.total_seconds() // 60)
    if minutes and minutes % 1440 == 0:
        days = minutes // 1440
        return f"{days} day{'s' if days != 1 else ''}"
    if minutes and minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def describe_day(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


class SchedulingError(Exception):
    """Base of every rule the engine enforces."""

    code = "scheduling_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BookingRefused(SchedulingError):
    """A requested start cannot be booked."""

    code = "booking_refused"


class ServiceNotOffered(BookingRefused):
    code = "service_not_offered"

    def __init__(self) -> None:
        super().__init__("That service is not offered on this schedule.")


class InThePast(BookingRefused):
    code = "in_the_past"

    def __init__(self) -> None:
        super().__init__("That time has already passed. Please choose a later time.")


class TooSoon(BookingRefused):
    code = "too_soon"

    def __init__(self, notice: timedelta) -> None:
        super().__init__(
            f"Bookings need at least {describe_duration(notice)} notice. "
            "Please choose a later time."
        )


class BeyondHorizon(BookingRefused):
    code = "beyond_horizon"

    def __init__(self, horizon: timedelta) -> None:
        super().__init__(
            f"Bookings open at most {describe_duration(horizon)} ahead. "
            "Please choose an earlier date."
        )


class ClosedThatDay(BookingRefused):
    code = "closed_that_day"

    def __init__(self, day: date, reason: str = "") -> None:
        why = f" ({reason})" if reason else ""
        super().__init__(f"We are closed on {describe_day(day)}{why}.")
        self.day = day


class OutsideOpeningHours(BookingRefused):
    code = "outside_opening_hours"

    def __init__(self, runs_past_closing: bool = False) -> None:
        if runs_past_closing:
            message = "That appointment would run past closing time. Please choose an earlier time."
        else:
            message = "That time is outside opening hours."
        super().__init__(message)


class NotOnSlotGrid(BookingRefused):
    code = "not_on_slot_grid"

    def __init__(self, step: timedelta) -> None:
        super().__init__(
            f"Appointments start every {describe_duration(step)}. "
            "Please pick one of the times offered."
        )


class DailyCapReached(BookingRefused):
    code = "daily_cap_reached"

    def __init__(self, day: date) -> None:
        super().__init__(
            f"{describe_day(day)} is fully booked. Please choose another day."
        )


class WeeklyCapReached(BookingRefused):
    code = "weekly_cap_reached"

    def __init__(self) -> None:
        super().__init__("That week is fully booked. Please choose another week.")


class TimeBlocked(BookingRefused):
    code = "time_blocked"

    def __init__(self) -> None:
        super().__init__("That time is not available. Please choose another time.")


class OverlapsAppointment(BookingRefused):
    code = "overlaps_appointment"

    def __init__(self) -> None:
        super().__init__(
            "That time overlaps another appointment. Please choose another time."
        )


class SlotFull(BookingRefused):
    code = "slot_full"

    def __init__(self) -> None:
        super().__init__("That session is full. Please choose another time.")


class ChangeRefused(SchedulingError):
    """An existing appointment cannot be cancelled or moved."""

    code = "change_refused"


class TooLateToCancel(ChangeRefused):
    code = "too_late_to_cancel"

    def __init__(self, cutoff: timedelta) -> None:
        super().__init__(
            f"Appointments can be cancelled up to {describe_duration(cutoff)} before they "
            "start. Please contact us directly."
        )


class TooLateToReschedule(ChangeRefused):
    code = "too_late_to_reschedule"

    def __init__(self, cutoff: timedelta) -> None:
        super().__init__(
            f"Appointments can be moved up to {describe_duration(cutoff)} before they "
            "start. Please contact us directly."
        )


class AlreadyStarted(ChangeRefused):
    code = "already_started"

    def __init__(self) -> None:
        super().__init__(
            "That appointment has already started and can no longer be changed."
        )


class InvalidTransition(ChangeRefused):
    code = "invalid_transition"

    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(f"An appointment that is {current} cannot become {wanted}.")
