"""Can the customer still cancel or move this appointment, and if not, why not?

Pages ask before they offer a cancel or move form, so a customer past the
client's cut-off reads the engine's reason instead of a button that can only
fail. The services (`app.services.changes`) apply the same engine rules again,
under the schedule's lock, when the form is sent: this is advice, not the gate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import scheduling
from app.models import Appointment, AppointmentStatus, Client
from app.services.engine_values import change_policy
from scheduling.reasons import InvalidTransition


@dataclass(frozen=True)
class ChangeRules:
    """The client's cut-offs at `now`, as a customer meets them."""

    client: Client
    now: datetime

    def cancel_refusal(self, appointment: Appointment) -> scheduling.ChangeRefused | None:
        """Why `appointment` cannot be cancelled now, or None if it can."""
        try:
            scheduling.check_transition(
                appointment.status,
                AppointmentStatus.CANCELLED,
                start=appointment.start_at,
                end=appointment.end_at,
                now=self.now,
            )
            # A request nobody has confirmed yet may be withdrawn at any time.
            if appointment.status is AppointmentStatus.CONFIRMED:
                scheduling.check_can_cancel(
                    appointment.start_at, now=self.now, policy=change_policy(self.client)
                )
        except scheduling.ChangeRefused as refused:
            return refused
        return None

    def move_refusal(self, appointment: Appointment) -> scheduling.ChangeRefused | None:
        """Why `appointment` cannot be moved now, or None if it can."""
        try:
            if not appointment.status.holds_time:
                raise InvalidTransition(appointment.status.label, "moved")
            scheduling.check_can_reschedule(
                appointment.start_at, now=self.now, policy=change_policy(self.client)
            )
        except scheduling.ChangeRefused as refused:
            return refused
        return None
