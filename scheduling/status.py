r"""An appointment's life: which status may follow which, and when.

    requested --approve--> confirmed --(after its end)----> completed
        |                  |   |  \--(after its start)--> no_show
        |                  |   \--(moved by the customer on a schedule
        |                  |        that needs approval)--> requested
        \--decline/cancel--> cancelled <--cancel--/

Cancelled, completed and no-show are final.
"""

from __future__ import annotations

import enum
from datetime import datetime

from scheduling.reasons import InvalidTransition


class AppointmentStatus(enum.StrEnum):
    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    NO_SHOW = "no_show"

    @property
    def label(self) -> str:
        return self.value.replace("_", "-")

    @property
    def holds_time(self) -> bool:
        """Whether an appointment in this status keeps its time taken."""
        return self in (AppointmentStatus.REQUESTED, AppointmentStatus.CONFIRMED)


_ALLOWED = {
    AppointmentStatus.REQUESTED: {
        AppointmentStatus.CONFIRMED,
        AppointmentStatus.CANCELLED,
    },
    AppointmentStatus.CONFIRMED: {
        AppointmentStatus.REQUESTED,
        AppointmentStatus.CANCELLED,
        AppointmentStatus.COMPLETED,
        AppointmentStatus.NO_SHOW,
    },
}


def check_transition(
    current: AppointmentStatus,
    wanted: AppointmentStatus,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
) -> None:
    """Raise `InvalidTransition` unless `current` may become `wanted` at `now`."""
    when = {
        AppointmentStatus.COMPLETED: now >= end,
        AppointmentStatus.NO_SHOW: now >= start,
        AppointmentStatus.REQUESTED: now < start,
    }
    allowed = wanted in _ALLOWED.get(current, set()) and when.get(wanted, True)
    if not allowed:
        raise InvalidTransition(current.label, wanted.label)
