"""The client's team: listing, adding and deactivating staff and administrators.

Accounts are created through `accounts.create_user` (one place hashes passwords
and guards address uniqueness); this module adds the client's own rules: only
its administrators manage the team, and nobody can lock themselves out.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.config import Config
from app.crypto.ordering import sorted_by_name
from app.errors import Conflict, InvalidInput, NotFound
from app.models import Client, Role, User
from app.scope import Scope
from app.services import audit
from app.services.accounts import MAX_EMAIL_LENGTH, MIN_PASSWORD_LENGTH, create_user
from app.services.field_errors import FieldConflict, InvalidField
from app.services.permissions import TEAM_ROLES, require_admin
from app.services.unit_of_work import start_write

MAX_NAME = 200


def team(session: Session, scope: Scope) -> list[User]:
    """Staff and administrators of the client, active first, then by name."""
    # Names are encrypted: sorted in Python, then (stable) active members first.
    members = sorted_by_name(session.scalars(scope.team()))
    members.sort(key=lambda member: not member.is_active)
    return members


def get_member(session: Session, scope: Scope, user_id: uuid.UUID) -> User:
    """One member of the client's team, else `NotFound` (customers included)."""
    member = session.scalars(scope.team().where(User.id == user_id)).one_or_none()
    if member is None:
        raise NotFound
    return member


def add_member(
    session: Session,
    config: Config,
    scope: Scope,
    *,
    actor: User,
    display_name: str,
    email: str,
    password: str,
    role: Role,
) -> User:
    """Create and commit a staff or administrator account with a temporary password."""
    require_admin(actor, scope)
    if role not in TEAM_ROLES:
        raise InvalidField("role", "Choose staff or administrator.")
    if not display_name.strip():
        raise InvalidField("display_name", "Give the person's name.")
    if len(display_name.strip()) > MAX_NAME:
        raise InvalidField("display_name", f"A name can be at most {MAX_NAME} characters.")
    if "@" not in email or len(email.strip()) > MAX_EMAIL_LENGTH:
        raise InvalidField("email", "That does not look like an e-mail address.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidField(
            "password", f"A temporary password needs at least {MIN_PASSWORD_LENGTH} characters."
        )
    client = session.get_one(Client, scope.client_id)
    try:
        return create_user(
            session,
            config,
            client_slug=client.slug,
            role=role,
            email=email,
            display_name=display_name,
            password=password,
        )
    except Conflict:
        raise FieldConflict(
            "email", "An account with that e-mail address already exists here."
        ) from None
    except InvalidInput as refused:
        raise InvalidField("email", _sentence(str(refused))) from None


def deactivate_member(session: Session, scope: Scope, user_id: uuid.UUID, *, actor: User) -> User:
    """Stop a member signing in and end their sessions everywhere; commit."""
    require_admin(actor, scope)
    if user_id == actor.id:
        # The admin deactivating themselves could leave the client with nobody in charge.
        raise InvalidInput("You cannot deactivate your own account.")
    start_write(session)
    try:
        member = get_member(session, scope, user_id)
        if member.is_active:
            member.is_active = False
            member.session_version += 1
            audit.record(
                session,
                action="user.deactivate",
                client_id=scope.client_id,
                object_type="user",
                object_id=member.id,
                fields=("is_active", "session_version"),
                actor_id=actor.id,
                actor_role=actor.role.value,
            )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return member


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
