"""Who must use a second factor, and how long a half-finished sign-in stays valid.

Plain functions over plain values. The client's policy decides whether its staff
and administrators must use a second factor; customers may choose it themselves.
"""

from __future__ import annotations

from datetime import datetime, timedelta

#: Roles a client's "second factor required for staff" setting covers.
STAFF_ROLE_NAMES = frozenset({"staff", "client_admin"})
#: Between a correct password and the code: long enough to open an app, short
#: enough that an unattended screen is not a half-open door.
PENDING_SIGN_IN_LIMIT = timedelta(minutes=5)
#: Between re-entering the password and confirming a new authenticator app.
ENROLMENT_LIMIT = timedelta(minutes=10)


def second_factor_required(role: str, *, required_for_staff: bool) -> bool:
    """True if someone with `role` must use a second factor under the client's policy."""
    return required_for_staff and role in STAFF_ROLE_NAMES


def still_valid(started_at: datetime, *, now: datetime, limit: timedelta) -> bool:
    """True while less than `limit` has passed since `started_at` (never before it)."""
    return started_at <= now < started_at + limit
