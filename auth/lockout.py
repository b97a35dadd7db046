"""Locking an account after repeated failed sign-ins.

After `threshold` consecutive failures within `window`, the account locks for
`duration`, or until an administrator unlocks it when `duration` is None. A
success resets the count. The state lives in the database; the caller holds
the user's row lock while it applies these functions, so concurrent attempts
are counted one after another and the lock is taken exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class LockoutRules:
    threshold: int = 5
    window: timedelta = timedelta(minutes=15)
    #: None locks until an administrator unlocks the account.
    duration: timedelta | None = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class FailureState:
    """An account's recent failures and lock."""

    failures: int = 0
    first_failure_at: datetime | None = None
    locked_at: datetime | None = None
    locked_until: datetime | None = None  #: None with locked_at set: until unlocked

    def is_locked(self, now: datetime) -> bool:
        if self.locked_at is None:
            return False
        return self.locked_until is None or now < self.locked_until


@dataclass(frozen=True, slots=True)
class FailureOutcome:
    state: FailureState
    just_locked: bool  #: this failure took the lock: tell the account's owner


def after_failure(state: FailureState, *, now: datetime, rules: LockoutRules) -> FailureOutcome:
    """The state after one more failed attempt at `now`."""
    if state.is_locked(now):
        return FailureOutcome(state, just_locked=False)
    in_window = state.first_failure_at is not None and now - state.first_failure_at < rules.window
    failures = state.failures + 1 if in_window else 1
    first = state.first_failure_at if in_window else now
    if failures < rules.threshold:
        return FailureOutcome(FailureState(failures, first), just_locked=False)
    until = now + rules.duration if rules.duration is not None else None
    return FailureOutcome(FailureState(failures, first, now, until), just_locked=True)


def after_success(state: FailureState) -> FailureState:
    """A successful sign-in clears the count (it cannot happen while locked)."""
    return FailureState()


def unlocked(state: FailureState) -> FailureState:
    """What an administrator's unlock leaves: no lock and a fresh count."""
    return replace(state, failures=0, first_failure_at=None, locked_at=None, locked_until=None)
