"""A client's security policy: every number a client admin sets, with its bounds.

`policy_from_settings` turns what the Security settings page submits (plain
strings or numbers) into a `SecurityPolicy`, or raises `PolicyInvalid` naming
every field that is out of bounds, so nothing half-valid is ever saved. A
setting that is absent takes its default; an optional one submitted empty is
off (no password expiry; locks held until an administrator unlocks).
Defaults follow current NIST SP 800-63B and OWASP guidance; periodic password
rotation is off by default because both advise against it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from auth.lockout import LockoutRules
from auth.password_rules import CharClass, PasswordRules
from auth.session_rules import SessionRules

ROTATION_WARNING = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Bound:
    low: int
    high: int
    default: int | None
    label: str
    optional: bool = False  #: empty means "off"


BOUNDS: dict[str, Bound] = {
    "min_length": Bound(8, 64, 12, "Minimum password length"),
    "history_depth": Bound(0, 24, 5, "Previous passwords that may not be reused"),
    "max_age_days": Bound(30, 365, None, "Maximum password age (days)", optional=True),
    "lockout_threshold": Bound(3, 20, 5, "Failed sign-ins before locking"),
    "lockout_window_minutes": Bound(1, 1440, 15, "Counting window (minutes)"),
    "lockout_minutes": Bound(1, 1440, 15, "Lock duration (minutes)", optional=True),
    "staff_idle_minutes": Bound(5, 60, 15, "Idle sign-out for staff (minutes)"),
    "customer_idle_minutes": Bound(5, 60, 30, "Idle sign-out for customers (minutes)"),
    "absolute_hours": Bound(1, 24, 12, "Longest session (hours)"),
}


class PolicyInvalid(ValueError):
    """Some settings are out of bounds; `errors` maps each field to a sentence."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class SecurityPolicy:
    password: PasswordRules = PasswordRules()
    history_depth: int = 5
    max_password_age: timedelta | None = None
    lockout: LockoutRules = LockoutRules()
    sessions: SessionRules = SessionRules()
    mfa_required_for_staff: bool = False
    self_service_reset: bool = False


def policy_from_settings(settings: Mapping[str, object]) -> SecurityPolicy:
    """The policy the settings describe; `PolicyInvalid` lists every bad field."""
    errors: dict[str, str] = {}
    numbers = {name: _number(name, settings.get(name), errors) for name in BOUNDS}
    classes = _classes(settings.get("required_classes", ()), errors)
    if errors:
        raise PolicyInvalid(errors)
    lock_minutes = numbers["lockout_minutes"]
    return SecurityPolicy(
        password=PasswordRules(numbers["min_length"], classes),
        history_depth=numbers["history_depth"],
        max_password_age=_days(numbers["max_age_days"]),
        lockout=LockoutRules(
            numbers["lockout_threshold"],
            timedelta(minutes=numbers["lockout_window_minutes"]),
            timedelta(minutes=lock_minutes) if lock_minutes is not None else None,
        ),
        sessions=SessionRules(
            timedelta(minutes=numbers["staff_idle_minutes"]),
            timedelta(minutes=numbers["customer_idle_minutes"]),
            timedelta(hours=numbers["absolute_hours"]),
        ),
        mfa_required_for_staff=bool(settings.get("mfa_required_for_staff", False)),
        self_service_reset=bool(settings.get("self_service_reset", False)),
    )


def _number(name: str, raw: object, errors: dict[str, str]) -> int | None:
    bound = BOUNDS[name]
    if raw is None:  # not given at all: the default
        return bound.default
    if isinstance(raw, str) and not raw.strip():  # emptied on purpose: "off", if allowed
        if bound.optional:
            return None
        errors[name] = f"{bound.label}: enter a whole number."
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        errors[name] = f"{bound.label}: enter a whole number."
        return None
    if not bound.low <= value <= bound.high:
        errors[name] = f"{bound.label}: choose from {bound.low} to {bound.high}."
        return None
    return value


def _classes(raw: object, errors: dict[str, str]) -> frozenset[CharClass]:
    names = [raw] if isinstance(raw, str) else list(raw or ())
    try:
        return frozenset(CharClass(name) for name in names)
    except ValueError:
        errors["required_classes"] = "Required character kinds: choose from the list."
        return frozenset()


def _days(value: int | None) -> timedelta | None:
    return timedelta(days=value) if value is not None else None


@dataclass(frozen=True, slots=True)
class PasswordAge:
    expired: bool
    warn: bool  #: within the last week before expiry
    expires_at: datetime | None


def password_age(
    changed_at: datetime, *, now: datetime, max_age: timedelta | None, forced: bool = False
) -> PasswordAge:
    """Whether a password set at `changed_at` must be changed now (or soon)."""
    if forced:
        return PasswordAge(expired=True, warn=False, expires_at=changed_at)
    if max_age is None:
        return PasswordAge(expired=False, warn=False, expires_at=None)
    expires = changed_at + max_age
    return PasswordAge(
        expired=now >= expires, warn=expires - ROTATION_WARNING <= now < expires, expires_at=expires
    )
