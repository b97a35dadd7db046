"""Signing in to a client's account: one answer for every failure, every attempt logged.

An unknown address, a wrong password, a locked or a deactivated account are
told apart nowhere the person signing in can see: same exception, same
message, and every path spends exactly one bcrypt check (a dummy hash of the
configured cost when there is no account), so timing does not tell either.
The login log records the real outcome for the client's administrators.

The password is checked before any lock is taken (bcrypt is slow); the outcome
is then recorded under the user's row lock, so concurrent failures are counted
one after another and the account locks exactly once at the threshold.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.blind_index import email_lookup
from app.config import Config
from app.models import Client, LoginAttempt, LoginOutcome, SecurityPolicyRow, User
from app.models.login_attempt import MAX_USER_AGENT
from app.services.unit_of_work import start_write
from auth import lockout
from auth.passwords import hash_password, needs_rehash, verify_password
from auth.policy import SecurityPolicy, password_age


class SignInFailed(Exception):
    """Wrong address or password, locked or inactive account (deliberately indistinct)."""

    message = "That e-mail address and password do not match an account here."


@dataclass(frozen=True)
class Attempt:
    """What a sign-in form submits, and where it came from. Never logged whole."""

    email: str
    password: str
    ip_address: str
    user_agent: str


@dataclass(frozen=True)
class SignedIn:
    user: User
    #: The password is too old or an administrator asked for a new one.
    must_change_password: bool
    #: Set during the last week before the password expires.
    password_expires_at: datetime | None


def client_policy(session: Session, client_id: uuid.UUID) -> SecurityPolicy:
    """The client's security policy (the defaults until an admin saved one)."""
    row = session.get(SecurityPolicyRow, client_id)
    return row.policy() if row is not None else SecurityPolicy()


def sign_in(
    session: Session, config: Config, client: Client, attempt: Attempt, *, now: datetime
) -> SignedIn:
    """The signed-in user, or `SignInFailed`; the attempt is logged and committed either way."""
    user = _find(session, config, client, attempt.email)
    password_ok = _check_password(config, user, attempt.password)
    outcome, signed_in = _record(session, config, client, user, attempt, password_ok, now=now)
    if outcome not in (LoginOutcome.SUCCESS, LoginOutcome.EXPIRED_PASSWORD):
        raise SignInFailed
    return signed_in


@cache
def _dummy_hash(pepper: bytes, cost: int) -> str:
    return hash_password("no account has this password", pepper, cost)


def _find(session: Session, config: Config, client: Client, email: str) -> User | None:
    lookup = email_lookup(email, config.blind_index_key)
    return session.scalars(
        select(User).where(User.client_id == client.id, User.email_lookup == lookup)
    ).one_or_none()


def _check_password(config: Config, user: User | None, password: str) -> bool:
    stored = user.password_hash if user else _dummy_hash(config.password_pepper, config.bcrypt_cost)
    matches = verify_password(password, stored, config.password_pepper)
    return matches and user is not None


def _record(session, config, client, user, attempt, password_ok, *, now):
    user_id = user.id if user else None
    start_write(session)
    signed_in = None
    if user_id is None:
        outcome = LoginOutcome.UNKNOWN_ACCOUNT
    else:
        user = _locked_user(session, user_id)
        policy = client_policy(session, client.id)
        outcome = _outcome(user, password_ok, policy, now)
        _apply(session, config, user, outcome, attempt.password, policy, now)
        if outcome in (LoginOutcome.SUCCESS, LoginOutcome.EXPIRED_PASSWORD):
            signed_in = _signed_in(user, policy, now)
    session.add(
        LoginAttempt(
            client_id=client.id,
            user_id=user_id,
            attempted_at=now,
            outcome=outcome,
            ip_address=attempt.ip_address[:45],
            user_agent=attempt.user_agent[:MAX_USER_AGENT],
        )
    )
    session.commit()
    return outcome, signed_in


def _locked_user(session: Session, user_id: uuid.UUID) -> User:
    user = session.scalars(select(User).where(User.id == user_id).with_for_update()).one()
    session.refresh(user)
    return user


def _outcome(user: User, password_ok: bool, policy: SecurityPolicy, now: datetime) -> LoginOutcome:
    if not user.is_active:
        return LoginOutcome.INACTIVE
    if _failure_state(user).is_locked(now):
        return LoginOutcome.LOCKED
    if not password_ok:
        return LoginOutcome.WRONG_PASSWORD
    if _password_age(user, policy, now).expired:
        return LoginOutcome.EXPIRED_PASSWORD
    return LoginOutcome.SUCCESS


def _apply(session, config, user, outcome, password, policy, now) -> None:
    if outcome is LoginOutcome.WRONG_PASSWORD:
        result = lockout.after_failure(_failure_state(user), now=now, rules=policy.lockout)
        _store_failure_state(user, result.state)
        if result.just_locked:
            user.session_version += 1  # a lock also ends every open session
    elif outcome in (LoginOutcome.SUCCESS, LoginOutcome.EXPIRED_PASSWORD):
        _store_failure_state(user, lockout.after_success(_failure_state(user)))
        if needs_rehash(user.password_hash, config.bcrypt_cost):
            user.password_hash = hash_password(password, config.password_pepper, config.bcrypt_cost)


def _signed_in(user: User, policy: SecurityPolicy, now: datetime) -> SignedIn:
    age = _password_age(user, policy, now)
    return SignedIn(user, age.expired, age.expires_at if age.warn else None)


def _password_age(user: User, policy: SecurityPolicy, now: datetime):
    return password_age(
        user.password_changed_at,
        now=now,
        max_age=policy.max_password_age,
        forced=user.must_change_password,
    )


def _failure_state(user: User) -> lockout.FailureState:
    return lockout.FailureState(
        user.failed_attempts, user.first_failure_at, user.locked_at, user.locked_until
    )


def _store_failure_state(user: User, state: lockout.FailureState) -> None:
    user.failed_attempts = state.failures
    user.first_failure_at = state.first_failure_at
    user.locked_at = state.locked_at
    user.locked_until = state.locked_until
