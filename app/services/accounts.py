"""Creating clients and user accounts."""

from __future__ import annotations

import re
import uuid
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.blind_index import email_lookup
from app.config import Config
from app.errors import Conflict, InvalidInput
from app.models import Client, Role, User
from app.services import audit
from app.services.client_policy import client_policy
from auth.password_rules import PasswordRules, password_problems
from auth.passwords import hash_password

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
#: The default minimum (a client may set 8 to 64; see auth.policy).
MIN_PASSWORD_LENGTH = PasswordRules().min_length
MAX_EMAIL_LENGTH = 254


def validate_slug(slug: str) -> str:
    """`slug` if it is lower-case letters, digits and inner hyphens (at most 63)."""
    if not SLUG_PATTERN.fullmatch(slug):
        raise InvalidInput(
            "a slug is 1-63 lower-case letters, digits and hyphens, not starting or "
            "ending with a hyphen"
        )
    return slug


def validate_timezone(name: str) -> str:
    """`name` if it is an IANA time zone known to this system."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"unknown time zone {name!r}; use an IANA name such as Europe/London"
        ) from None
    return name


def create_client(session: Session, *, slug: str, name: str, timezone: str) -> Client:
    """Create and commit a client; `Conflict` if the slug is taken."""
    validate_slug(slug)
    validate_timezone(timezone)
    name = name.strip()
    if not name:
        raise InvalidInput("a client needs a name")
    if session.scalar(select(Client.id).where(Client.slug == slug)) is not None:
        raise Conflict(f"a client with slug {slug!r} already exists")
    client = Client(slug=slug, name=name, timezone=timezone)
    session.add(client)
    _commit_or_conflict(session, f"a client with slug {slug!r} already exists")
    return client


def create_user(
    session: Session,
    config: Config,
    *,
    client_slug: str | None,
    role: Role,
    email: str,
    display_name: str,
    password: str,
    phone: str | None = None,
) -> User:
    """Create and commit a user; `Conflict` if the address is taken within the client."""
    client = _client_for_role(session, client_slug, role)
    email = email.strip()
    if "@" not in email or len(email) > MAX_EMAIL_LENGTH:
        raise InvalidInput("that does not look like an e-mail address")
    display_name = display_name.strip()
    if not display_name:
        raise InvalidInput("a user needs a name")
    problems = password_problems(
        password,
        client_policy(session, client.id).password if client else PasswordRules(),
        email=email,
        business_name=client.name if client else "",
    )
    if problems:
        raise InvalidInput(" ".join(problems))

    lookup = email_lookup(email, config.blind_index_key)
    client_id = client.id if client else None
    taken = select(User.id).where(User.email_lookup == lookup)
    taken = taken.where(User.client_id == client_id if client_id else User.client_id.is_(None))
    if session.scalar(taken) is not None:
        raise Conflict("an account with that e-mail address already exists")

    user = User(
        client_id=client_id,
        role=role,
        email=email,
        email_lookup=lookup,
        display_name=display_name,
        phone=phone,
        password_hash=hash_password(password, config.password_pepper, config.bcrypt_cost),
    )
    session.add(user)
    user.id = uuid.uuid4()  # known before the INSERT, for the audit event
    audit.record(
        session,
        action="user.create",
        client_id=client_id,
        object_type="user",
        object_id=user.id,
        fields=("role", "email", "display_name", "password_hash") + (("phone",) if phone else ()),
    )
    _commit_or_conflict(session, "an account with that e-mail address already exists")
    return user


def _client_for_role(session: Session, client_slug: str | None, role: Role) -> Client | None:
    if role.is_platform:
        if client_slug:
            raise InvalidInput(f"the {role.value} role belongs to the platform, not a client")
        return None
    if not client_slug:
        raise InvalidInput(f"the {role.value} role needs a client")
    client = session.scalars(select(Client).where(Client.slug == client_slug)).one_or_none()
    if client is None:
        raise InvalidInput(f"no client with slug {client_slug!r}")
    if client.closed_at is not None:
        raise InvalidInput(f"the client {client_slug!r} is closed")
    return client


def _commit_or_conflict(session: Session, message: str) -> None:
    # The checks above read before writing; a concurrent writer can still win the race,
    # and the unique constraint then has the last word.
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(message) from None
