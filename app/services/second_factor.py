"""The second step of signing in: a code from the authenticator app, or a recovery code.

It follows a correct password (`signin.SecondFactorNeeded`) and is recorded the
same way, under the user's row lock: a wrong code is logged as `MFA_FAILED` and
counts toward the lockout exactly like a wrong password, so the code cannot be
guessed by trying many; a right one is logged as the sign-in's success. An
accepted code's time step is stored, so the same code never works twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import Session

from app.config import Config
from app.models import Client, LoginOutcome, User
from app.services import recovery_codes
from app.services.client_policy import policy_for
from app.services.signin import (
    SecondFactorNeeded,
    SignedIn,
    count_failure,
    finish,
    is_locked,
    lock_user_row,
    log_attempt,
)
from app.services.unit_of_work import start_write
from auth import totp


class CodeRefused(Exception):
    """The code is wrong, already used, or too old; the person may try again."""

    message = "That code did not work. Check your authenticator app and try again."


class SignInAgain(Exception):
    """The half-finished sign-in is no longer valid (locked, revoked, or changed meanwhile)."""

    message = "Please sign in again."


@dataclass(frozen=True)
class CodeAttempt:
    """What the code form submits, and where it came from. The code is never logged."""

    code: str
    ip_address: str
    user_agent: str


@dataclass(frozen=True)
class CodeSignIn:
    signed_in: SignedIn
    #: Set when a recovery code was used: how many unused ones remain.
    recovery_codes_left: int | None


def complete_sign_in(
    session: Session,
    config: Config,
    client: Client | None,
    pending: SecondFactorNeeded,
    attempt: CodeAttempt,
    *,
    now: datetime,
) -> CodeSignIn:
    """Sign in with a code after the password; `CodeRefused` or `SignInAgain` otherwise.

    The attempt is logged and committed whatever the answer. `client` None: the platform.
    """
    start_write(session)
    try:
        user = _pending_user(session, client, pending)
        result = _attempt(session, config, client, user, pending, attempt, now)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    if isinstance(result, Exception):
        raise result  # only now: the refusal's log line and failure count are committed
    return result


def _pending_user(session: Session, client: Client | None, pending: SecondFactorNeeded) -> User:
    try:
        user = lock_user_row(session, pending.user_id)
    except NoResultFound:
        raise SignInAgain from None
    if user.client_id != (client.id if client else None):
        raise SignInAgain
    return user


def _voided(user: User, pending: SecondFactorNeeded) -> bool:
    # A lock, a sign-out everywhere, a deactivation or turning the second factor off
    # since the password step all void it.
    return (
        user.session_version != pending.session_version
        or not user.is_active
        or not user.has_second_factor
    )


def _attempt(session, config, client, user, pending, attempt, now) -> CodeSignIn | Exception:
    policy = policy_for(session, user.client_id)

    def log(outcome: LoginOutcome) -> None:
        log_attempt(
            session,
            client_id=user.client_id,
            user_id=user.id,
            outcome=outcome,
            ip_address=attempt.ip_address,
            user_agent=attempt.user_agent,
            now=now,
        )

    if is_locked(user, now):  # logged like a password tried on a locked account
        log(LoginOutcome.LOCKED)
        return SignInAgain()
    if _voided(user, pending):
        return SignInAgain()
    used_recovery = _accept(session, config, user, attempt.code, now)
    if used_recovery is None:
        log(LoginOutcome.MFA_FAILED)
        return SignInAgain() if count_failure(user, policy, now) else CodeRefused()
    signed_in = finish(user, policy, now)
    log(signed_in.outcome)
    left = recovery_codes.codes_left(session, user.id) if used_recovery else None
    return CodeSignIn(signed_in, left)


def _accept(
    session: Session, config: Config, user: User, entered: str, now: datetime
) -> bool | None:
    """None if `entered` is refused; else whether it was a recovery code (marked used)."""
    if totp.looks_like_code(entered):
        step = totp.matching_step(
            user.totp_secret or "", entered, now=now, last_step=user.totp_last_step
        )
        if step is None:
            return None
        user.totp_last_step = step
        return False
    if recovery_codes.use_code(session, config, user.id, entered, now=now):
        return True
    return None
