"""When a signed-in session ends by itself: idle and absolute timeouts.

The server checks on every request; the page's countdown only warns. Staff
roles get the shorter idle timeout because their sessions reach many people's
records.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

WARNING_BEFORE = timedelta(minutes=1)


class SessionEnd(enum.StrEnum):
    IDLE = "idle"
    ABSOLUTE = "absolute"


@dataclass(frozen=True, slots=True)
class SessionRules:
    staff_idle: timedelta = timedelta(minutes=15)
    customer_idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)

    def idle_for(self, *, is_staff: bool) -> timedelta:
        return self.staff_idle if is_staff else self.customer_idle


def session_end(
    *,
    started_at: datetime,
    last_seen_at: datetime,
    now: datetime,
    rules: SessionRules,
    is_staff: bool,
) -> SessionEnd | None:
    """Why the session has ended at `now`, or None while it is still valid."""
    if now - started_at >= rules.absolute:
        return SessionEnd.ABSOLUTE
    if now - last_seen_at >= rules.idle_for(is_staff=is_staff):
        return SessionEnd.IDLE
    return None


def expires_at(
    *, started_at: datetime, last_seen_at: datetime, rules: SessionRules, is_staff: bool
) -> datetime:
    """The moment the session ends if nothing else happens."""
    return min(started_at + rules.absolute, last_seen_at + rules.idle_for(is_staff=is_staff))
