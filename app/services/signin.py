"""Signing in to a client's account: one answer for every failure, every attempt logged.

An unknown address, a wrong password, a locked or a deactivated account are
told apart nowhere the person signing in can see: same exception, same
message, and every path spends exactly one bcrypt check (a dummy hash of the
configured cost when there is no account), so timing does not tell either.
The login log records the real outcome for the client's administrators.

The password is checked before any lock is taken (bcrypt is slow); the outcome
is then recorded under the user's row lock, so concurrent failures are counted
one after another and the account locks exactly once at the threshold.

An account with a second factor is not signed in by its password alone: the
answer is `SecondFactorNeeded`, nothing is logged yet, and the failure count is
left as it is, so knowing the password buys no fresh guesses at the code.
`app.services.second_factor` finishes the sign-in with the helpers below.
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
from app.models import Client, LoginAttempt, LoginOutcome, User
from app.models.login_attempt import MAX_USER_AGENT
from app.services import audit, notices
from app.services.client_policy import policy_for
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

    @property
    def outcome(self) -> LoginOutcome:
        """How the login log records this sign-in."""
        return LoginOutcome.EXPIRED_PASSWORD if self.must_change_password else LoginOutcome.SUCCESS


@dataclass(frozen=True)
class SecondFactorNeeded:
    """The password was right; the account asks for a code before it is signed in."""

    user_id: uuid.UUID
    #: The half-finished sign-in is bound to it: a lock or a sign-out everywhere voids it.
    session_version: int


#: Outcomes that let the person in (an expired password only to change it).
PASSED = frozenset({LoginOutcome.SUCCESS, LoginOutcome.EXPIRED_PASSWORD})


def sign_in(
    session: Session, config: Config, client: Client | None, attempt: Attempt, *, now: datetime
) -> SignedIn | SecondFactorNeeded:
    """The signed-in user, the request for a code, or `SignInFailed`; committed either way.

    `client` None signs in to the platform (support and platform administrators).
    Every outcome but `SecondFactorNeeded` is logged; the code step logs that one.
    """
    user = _find(session, config, client, attempt.email)
    password_ok = _check_password(config, user, attempt.password)
    result = _record(session, config, client, user, attempt, password_ok, now=now)
    if result is None:
        raise SignInFailed
    return result


@cache
def _dummy_hash(pepper: bytes, cost: int) -> str:
    return hash_password("no account has this password", pepper, cost)


def _find(session: Session, config: Config, client: Client | None, email: str) -> User | None:
    lookup = email_lookup(email, config.blind_index_key)
    owner = User.client_id.is_(None) if client is None else User.client_id == client.id
    return session.scalars(select(User).where(owner, User.email_lookup == lookup)).one_or_none()


def _check_password(config: Config, user: User | None, password: str) -> bool:
    stored = user.password_hash if user else _dummy_hash(config.password_pepper, config.bcrypt_cost)
    matches = verify_password(password, stored, config.password_pepper)
    return matches and user is not None


def _record(session, config, client, user, attempt, password_ok, *, now):
    user_id = user.id if user else None
    client_id = client.id if client else None
    start_write(session)
    result = None
    if user_id is None:
        outcome = LoginOutcome.UNKNOWN_ACCOUNT
    else:
        user = lock_user_row(session, user_id)
        policy = policy_for(session, client_id)
        outcome = _outcome(user, password_ok, policy, now)
        result = _apply(config, user, outcome, attempt.password, policy, now)
    if not isinstance(result, SecondFactorNeeded):
        log_attempt(
            session,
            client_id=client_id,
            user_id=user_id,
            outcome=outcome,
            ip_address=attempt.ip_address,
            user_agent=attempt.user_agent,
            now=now,
        )
    session.commit()
    return result


def lock_user_row(session: Session, user_id: uuid.UUID) -> User:
    """The user, freshly read under their row lock (held until the transaction ends)."""
    user = session.scalars(select(User).where(User.id == user_id).with_for_update()).one()
    session.refresh(user)
    return user


def log_attempt(
    session: Session,
    *,
    client_id: uuid.UUID | None,
    user_id: uuid.UUID | None,
    outcome: LoginOutcome,
    ip_address: str,
    user_agent: str,
    now: datetime,
) -> None:
    """Add one line to the login log (the caller commits)."""
    session.add(
        LoginAttempt(
            client_id=client_id,
            user_id=user_id,
            attempted_at=now,
            outcome=outcome,
            ip_address=ip_address[:45],
            user_agent=user_agent[:MAX_USER_AGENT],
        )
    )
    if user_id is not None:
        # The audit trail names the account; attempts on unknown addresses stay in the log.
        _audit_sign_in(session, client_id, user_id, outcome, ip_address[:45])


def _audit_sign_in(session, client_id, user_id, outcome, ip_address) -> None:
    user = session.get(User, user_id)
    audit.record(
        session,
        action="sign_in" if outcome is LoginOutcome.SUCCESS else "sign_in.failed",
        client_id=client_id,
        object_type="user",
        object_id=user_id,
        actor_id=user_id,
        actor_role=user.role.value if user else None,
        ip=ip_address or None,
    )


def count_failure(user: User, policy: SecurityPolicy, now: datetime) -> bool:
    """Count one failed attempt under the row lock; True if it just locked the account."""
    result = lockout.after_failure(_failure_state(user), now=now, rules=policy.lockout)
    _store_failure_state(user, result.state)
    if result.just_locked:
        user.session_version += 1  # a lock also ends every open session
        notices.account_locked(user, locked_until=result.state.locked_until)
    return result.just_locked


def is_locked(user: User, now: datetime) -> bool:
    """True while the account is locked."""
    return _failure_state(user).is_locked(now)


def finish(user: User, policy: SecurityPolicy, now: datetime) -> SignedIn:
    """A complete sign-in under the row lock: the failure count starts again."""
    _store_failure_state(user, lockout.after_success(_failure_state(user)))
    age = _password_age(user, policy, now)
    return SignedIn(user, age.expired, age.expires_at if age.warn else None)


def _outcome(user: User, password_ok: bool, policy: SecurityPolicy, now: datetime) -> LoginOutcome:
    if not user.is_active:
        return LoginOutcome.INACTIVE
    if is_locked(user, now):
        return LoginOutcome.LOCKED
    if not password_ok:
        return LoginOutcome.WRONG_PASSWORD
    if _password_age(user, policy, now).expired:
        return LoginOutcome.EXPIRED_PASSWORD
    return LoginOutcome.SUCCESS


def _apply(config, user, outcome, password, policy, now) -> SignedIn | SecondFactorNeeded | None:
    if outcome is LoginOutcome.WRONG_PASSWORD:
        count_failure(user, policy, now)
        return None
    if outcome not in PASSED:
        return None
    if needs_rehash(user.password_hash, config.bcrypt_cost):
        user.password_hash = hash_password(password, config.password_pepper, config.bcrypt_cost)
    if user.has_second_factor:
        return SecondFactorNeeded(user.id, user.session_version)
    return finish(user, policy, now)


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
