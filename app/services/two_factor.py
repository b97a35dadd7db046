"""Turning one's own second factor on and off, and getting new recovery codes.

Every change asks for the password again first (re-authentication): an
unattended signed-in screen must not be enough to take over the second factor.
A wrong password here is refused but not counted as a failed sign-in, for the
reason app.services.passwords gives (anyone at an unlocked screen could lock the
owner out); these pages are rate-limited instead (app.rate_limits).

Every change ends the person's other sessions: the session version is bumped
and every server-side session ended, and the caller signs the current browser
in again, which gives it a fresh session token, as after a password change.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.config import Config
from app.errors import InvalidInput
from app.models import User
from app.services import recovery_codes
from app.services.client_policy import client_policy
from app.services.field_errors import InvalidField
from app.services.sessions import end_all
from app.services.signin import lock_user_row
from app.services.unit_of_work import start_write
from auth import totp
from auth.mfa_rules import ENROLMENT_LIMIT, second_factor_required, still_valid
from auth.passwords import verify_password


@dataclass(frozen=True)
class TwoFactorStatus:
    enabled_at: datetime | None
    #: The client requires a second factor of this person's role.
    required: bool
    recovery_codes_left: int


@dataclass(frozen=True)
class NewApp:
    """What the enrolment page shows: the secret as text and as an otpauth:// URI."""

    secret: str
    uri: str


@dataclass(frozen=True)
class NewCodes:
    user: User
    #: Shown once, never stored in clear.
    codes: list[str]


def is_required(session: Session, user: User) -> bool:
    """True if the client's policy requires a second factor of `user`."""
    if user.client_id is None:
        return False
    policy = client_policy(session, user.client_id)
    return second_factor_required(user.role, required_for_staff=policy.mfa_required_for_staff)


def status(session: Session, user: User) -> TwoFactorStatus:
    """Whether `user` has a second factor, must have one, and how many codes are left."""
    return TwoFactorStatus(
        enabled_at=user.totp_enabled_at,
        required=is_required(session, user),
        recovery_codes_left=recovery_codes.codes_left(session, user.id),
    )


def start_enrolment(session: Session, config: Config, user_id: uuid.UUID, password: str) -> None:
    """After the password: a new secret waits for its first code; commit.

    A second factor already on keeps working until the new app is confirmed.
    """
    checked_hash = _confirm_password(session, config, user_id, password)
    with _write(session, user_id, checked_hash) as user:
        user.totp_pending_secret = totp.new_secret()


def pending_app(user: User) -> NewApp | None:
    """The app waiting to be confirmed, if any."""
    secret = user.totp_pending_secret
    if secret is None:
        return None
    client_name = user.client.name if user.client else None
    return NewApp(secret, totp.provisioning_uri(secret, email=user.email, client_name=client_name))


def confirm_enrolment(
    session: Session,
    config: Config,
    user_id: uuid.UUID,
    code: str,
    *,
    started_at: datetime,
    now: datetime,
) -> NewCodes:
    """Turn the second factor on with the new app's first code; new recovery codes; commit.

    `started_at` is when the password was re-entered: an enrolment left open longer
    than `ENROLMENT_LIMIT` has to start again.
    """
    if not still_valid(started_at, now=now, limit=ENROLMENT_LIMIT):
        raise InvalidInput("This set-up took too long. Please start again.")
    with _write(session, user_id) as user:
        secret = user.totp_pending_secret
        if secret is None:
            raise InvalidInput("There is no set-up in progress. Please start again.")
        step = totp.matching_step(secret, code, now=now, last_step=None)
        if step is None:
            raise InvalidField(
                "code", "That code did not match. Enter the code your app shows now."
            )
        user.totp_secret, user.totp_pending_secret = secret, None
        user.totp_enabled_at, user.totp_last_step = now, step
        codes = recovery_codes.replace_codes(session, config, user.id, now=now)
        _end_other_sessions(session, user, now)
    return NewCodes(user, codes)


def regenerate_recovery_codes(
    session: Session, config: Config, user_id: uuid.UUID, password: str, *, now: datetime
) -> NewCodes:
    """After the password: ten new recovery codes replace every old one; commit."""
    checked_hash = _confirm_password(session, config, user_id, password)
    with _write(session, user_id, checked_hash) as user:
        if not user.has_second_factor:
            raise InvalidInput("Turn on two-step sign-in first.")
        codes = recovery_codes.replace_codes(session, config, user.id, now=now)
        _end_other_sessions(session, user, now)
    return NewCodes(user, codes)


def turn_off(
    session: Session, config: Config, user_id: uuid.UUID, password: str, *, now: datetime
) -> User:
    """After the password: no second factor and no recovery codes; commit.

    Refused while the client requires a second factor of this person's role.
    """
    if is_required(session, session.get_one(User, user_id)):
        raise InvalidInput(
            "Your organisation requires two-step sign-in for staff, so it cannot be turned off."
        )
    checked_hash = _confirm_password(session, config, user_id, password)
    with _write(session, user_id, checked_hash) as user:
        if not user.has_second_factor:
            raise InvalidInput("Two-step sign-in is already off.")
        user.totp_secret = user.totp_pending_secret = None
        user.totp_enabled_at = user.totp_last_step = None
        recovery_codes.remove_codes(session, user.id)
        _end_other_sessions(session, user, now)
    return user


def _confirm_password(session: Session, config: Config, user_id: uuid.UUID, password: str) -> str:
    # bcrypt runs before the write transaction, so no lock is held through it.
    user = session.get_one(User, user_id)
    if not verify_password(password, user.password_hash, config.password_pepper):
        raise InvalidField("password", "That is not your password.")
    return user.password_hash


@contextmanager
def _write(session: Session, user_id: uuid.UUID, checked_hash: str | None = None) -> Iterator[User]:
    """The user under their row lock for one change: committed on success, else rolled back.

    With `checked_hash`, refuses if the password changed since it was checked.
    """
    start_write(session)
    try:
        user = lock_user_row(session, user_id)
        if checked_hash is not None and user.password_hash != checked_hash:
            raise InvalidField(
                "password", "Your password was changed a moment ago. Please try again."
            )
        yield user
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _end_other_sessions(session: Session, user: User, now: datetime) -> None:
    user.session_version += 1
    end_all(session, user.id, now=now)
