"""Changing a password, and an administrator's temporary password for someone who lost theirs.

Both end every session of the person: a password change is what someone does
when they fear another person knows it, so every browser signed in with the
old one is signed out (the session version is bumped and the server-side
sessions ended); the browser that made the change is signed in again by the
caller, with a fresh session. The bcrypt work (the current password, up to
the history depth, the new hash) is done before the write transaction starts,
so no lock is held through it; the transaction then refuses if the password
changed meanwhile.

A wrong current password is refused but is not a failed sign-in: the person
already holds a session, and counting it would let anyone at an unlocked
screen lock the owner out.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.config import Config
from app.errors import InvalidInput
from app.models import Client, PasswordHistory, User
from app.scope import Scope
from app.services.client_accounts import failure_state, get_account
from app.services.client_policy import client_policy
from app.services.permissions import require_admin
from app.services.sessions import end_all
from app.services.signin import lock_user_row
from app.services.unit_of_work import start_write
from auth.lockout import unlocked
from auth.password_history import reuses_recent_password
from auth.password_rules import password_problems
from auth.passwords import hash_password, verify_password
from auth.policy import BOUNDS, PasswordAge, SecurityPolicy, password_age
from auth.temporary_password import temporary_password

#: History rows kept per person: the deepest history any client's policy may ask for.
HISTORY_KEPT = BOUNDS["history_depth"].high
#: What the surrogate check in auth.password_rules says; U+FFFD is the same damage seen
#: after decoding (a browser or proxy replaced bytes it could not read).
CANNOT_STORE = "The password contains characters that cannot be stored. Please retype it."


class PasswordRefused(InvalidInput):
    """A password was refused; `problems` are sentences to show next to form field `field`."""

    def __init__(self, field: str, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.field = field
        self.problems = problems


@dataclass(frozen=True)
class TemporaryPassword:
    user: User
    #: Shown once to the administrator; only its hash is stored.
    password: str


def policy_for(session: Session, user: User) -> SecurityPolicy:
    """The security policy `user` lives under (platform accounts: the defaults)."""
    return client_policy(session, user.client_id) if user.client_id else SecurityPolicy()


def password_state(session: Session, user: User, *, now: datetime) -> PasswordAge:
    """Whether `user` must choose a new password now, or will have to within a week."""
    return password_age(
        user.password_changed_at,
        now=now,
        max_age=policy_for(session, user).max_password_age,
        forced=user.must_change_password,
    )


def refuse_weak_password(
    password: str, policy: SecurityPolicy, *, email: str, business_name: str, field: str
) -> None:
    """Raise `PasswordRefused` on `field` unless `password` meets the policy's rules."""
    if "\ufffd" in password:
        raise PasswordRefused(field, [CANNOT_STORE])
    problems = password_problems(
        password, policy.password, email=email, business_name=business_name
    )
    if problems:
        raise PasswordRefused(field, problems)


def refuse_reused_password(
    session: Session,
    config: Config,
    user: User,
    new: str,
    policy: SecurityPolicy,
    *,
    current_password: str | None = None,
) -> None:
    """Raise `PasswordRefused` on "new" if `new` is `user`'s current or a recent password.

    `current_password`, when the caller has just checked it, saves one bcrypt check.
    """
    if reuses_recent_password(
        new,
        depth=policy.history_depth,
        current_hash=user.password_hash,
        earlier_hashes=_earlier_hashes(session, user.id, policy.history_depth - 1),
        verify=lambda password, stored: verify_password(password, stored, config.password_pepper),
        current_password=current_password,
    ):
        raise PasswordRefused("new", [_reuse_sentence(policy.history_depth)])


def change_password(
    session: Session,
    config: Config,
    user_id: uuid.UUID,
    current: str,
    new: str,
    confirm: str,
    *,
    now: datetime,
) -> User:
    """Replace the password (the current one is needed) and end every session; commit.

    The caller signs the current browser in again (the bumped session version
    invalidates its cookie), which opens it a fresh server-side session with a
    new token, as is advised after a credential change.
    """
    user = session.get_one(User, user_id)
    policy = policy_for(session, user)
    refuse_weak_password(
        new, policy, email=user.email, business_name=_business_name(user), field="new"
    )
    if new != confirm:
        raise PasswordRefused("confirm", ["The new passwords differ. Type the same one twice."])
    checked_hash = user.password_hash
    if not verify_password(current, checked_hash, config.password_pepper):
        raise PasswordRefused("current", ["That is not your current password."])
    refuse_reused_password(session, config, user, new, policy, current_password=current)
    new_hash = hash_password(new, config.password_pepper, config.bcrypt_cost)

    start_write(session)
    try:
        user = lock_user_row(session, user_id)
        if user.password_hash != checked_hash:
            raise PasswordRefused(
                "current", ["Your password was changed elsewhere a moment ago. Please try again."]
            )
        replace_password(session, user, new_hash, now=now, must_change=False)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return user


def temporary_password_target(
    session: Session, scope: Scope, user_id: uuid.UUID, actor: User
) -> User:
    """Someone of the client an administrator may give a temporary password, else refuse.

    Another client's account is `NotFound`, like one that does not exist.
    """
    require_admin(actor, scope)
    person = get_account(session, scope, user_id)
    if person.id == actor.id:
        # Their own would sign them out mid-task; they know their password anyway.
        raise InvalidInput("Change your own password on the password page instead.")
    if not person.is_active:
        raise InvalidInput("This account is deactivated, so it cannot sign in with any password.")
    return person


def set_temporary_password(
    session: Session,
    config: Config,
    scope: Scope,
    user_id: uuid.UUID,
    actor: User,
    *,
    now: datetime,
) -> TemporaryPassword:
    """Give someone a new random password they must change at their next sign-in; commit.

    Their sessions end everywhere, and a lock from failed sign-ins is lifted: a person
    who lost their password has often locked themselves out, and guessing against a
    new random password gains an attacker nothing.
    """
    person = temporary_password_target(session, scope, user_id, actor)
    client = session.get_one(Client, scope.client_id)
    password = temporary_password(
        client_policy(session, client.id).password, email=person.email, business_name=client.name
    )
    new_hash = hash_password(password, config.password_pepper, config.bcrypt_cost)

    start_write(session)
    try:
        person = get_account(session, scope, user_id, lock=True)
        replace_password(session, person, new_hash, now=now, must_change=True)
        lift_lock(person)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return TemporaryPassword(person, password)


def lift_lock(user: User) -> None:
    """Clear `user`'s failed sign-ins and lock (the caller holds the row lock and commits)."""
    state = unlocked(failure_state(user))
    user.failed_attempts, user.first_failure_at = state.failures, state.first_failure_at
    user.locked_at, user.locked_until = state.locked_at, state.locked_until


def replace_password(
    session: Session, user: User, new_hash: str, *, now: datetime, must_change: bool
) -> None:
    """Store `new_hash` (the old one joins the history) and end every session of `user`.

    The caller holds the user's row lock and commits.
    """
    session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash, created_at=now))
    session.flush()
    stale = session.scalars(
        select(PasswordHistory.id)
        .where(PasswordHistory.user_id == user.id)
        .order_by(PasswordHistory.created_at.desc())
        .offset(HISTORY_KEPT)
    ).all()
    if stale:
        session.execute(delete(PasswordHistory).where(PasswordHistory.id.in_(stale)))
    user.password_hash = new_hash
    user.password_changed_at = now
    user.must_change_password = must_change
    user.session_version += 1
    end_all(session, user.id, now=now)


def _earlier_hashes(session: Session, user_id: uuid.UUID, count: int) -> list[str]:
    if count <= 0:
        return []
    return list(
        session.scalars(
            select(PasswordHistory.password_hash)
            .where(PasswordHistory.user_id == user_id)
            .order_by(PasswordHistory.created_at.desc())
            .limit(count)
        )
    )


def _business_name(user: User) -> str:
    return user.client.name if user.client else ""


def _reuse_sentence(depth: int) -> str:
    if depth == 1:
        return "That is your current password. Please choose a new one."
    return (
        f"That is your current password or one of the {depth - 1} before it. "
        "Please choose one you have not used recently."
    )
