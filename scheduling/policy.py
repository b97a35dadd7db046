"""Cancelling and moving an appointment: the client's cut-offs.

A client sets how long before an appointment a customer may still cancel it or
move it (for example 24 hours). Staff act on behalf of the business and are
not bound by the cut-off, only by the appointment having started.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from scheduling.model import _require_aware
from scheduling.reasons import AlreadyStarted, TooLateToCancel, TooLateToReschedule


@dataclass(frozen=True, slots=True)
class ChangePolicy:
    """How close to its start a customer may still cancel or move an appointment."""

    cancel_cutoff: timedelta = timedelta(hours=24)
    reschedule_cutoff: timedelta = timedelta(hours=24)

    def __post_init__(self) -> None:
        if self.cancel_cutoff < timedelta(0) or self.reschedule_cutoff < timedelta(0):
            raise ValueError("cut-offs cannot be negative")


def check_can_cancel(
    start: datetime, *, now: datetime, policy: ChangePolicy, by_staff: bool = False
) -> None:
    """Raise why an appointment starting at `start` can no longer be cancelled."""
    _check_not_started(start, now)
    if not by_staff and start - now < policy.cancel_cutoff:
        raise TooLateToCancel(policy.cancel_cutoff)


def check_can_reschedule(
    start: datetime, *, now: datetime, policy: ChangePolicy, by_staff: bool = False
) -> None:
    """Raise why an appointment starting at `start` can no longer be moved."""
    _check_not_started(start, now)
    if not by_staff and start - now < policy.reschedule_cutoff:
        raise TooLateToReschedule(policy.reschedule_cutoff)


def _check_not_started(start: datetime, now: datetime) -> None:
    _require_aware("start", start)
    _require_aware("now", now)
    if start <= now:
        raise AlreadyStarted()
