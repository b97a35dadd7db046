"""Self-service password reset by e-mail, for clients that switch it on.

Asking: whoever types an address gets the same answer; an active account of the
client is sent a link, and nothing else happens for any other address. Both
paths look the person up, make a token and take the same locks; only the
account's path writes the link and the e-mail.

The link: usable once, for 30 minutes, and a newer link voids the older ones.
The database keeps only the SHA-256 of its token. The token itself is an HMAC
of the link's random ID under a key derived from SECRET_KEY, computed again
when the e-mail is rendered: the queued e-mail holds only the link's ID, so
neither the outbox nor any other table holds a working link.

Using it: the new password meets the client's rules and history like any
other change (app.services.passwords), every session of the person ends, a
lock from failed sign-ins is lifted, and the link is spent under the person's
row lock, so of two submissions at once exactly one changes the password.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.blind_index import email_lookup
from app.config import Config
from app.errors import NotFound
from app.models import Client, PasswordResetLink, User
from app.services import audit
from app.services.client_policy import client_policy
from app.services.feed_tokens import token_hash
from app.services.outbox import enqueue_email
from app.services.passwords import (
    PasswordRefused,
    lift_lock,
    refuse_reused_password,
    refuse_weak_password,
    replace_password,
)
from app.services.signin import lock_user_row
from app.services.unit_of_work import start_write
from auth.passwords import hash_password

#: How long a link works after it was sent.
LINK_LIFETIME = timedelta(minutes=30)
#: Tokens are 43 characters; anything much longer is not worth hashing.
MAX_TOKEN_LENGTH = 100
EMAIL_TEMPLATE = "password_reset"


class LinkUnusable(Exception):
    """The link is unknown here, expired, used or replaced: it changes nothing."""

    message = "This link has expired or was already used. Ask for a new one."

    def __init__(self, *, gone: bool) -> None:
        super().__init__(self.message)
        #: True: the link was issued here but no longer works; False: not a link of this client.
        self.gone = gone


def offered(session: Session, client_id: uuid.UUID) -> bool:
    """True if the client lets people reset a forgotten password by e-mail."""
    return client_policy(session, client_id).self_service_reset


def link_token(config: Config, link_id: uuid.UUID) -> str:
    """The secret token in link `link_id`'s URL (256 bits, URL-safe)."""
    key = hmac.new(config.secret_key.encode(), b"safeslot/password-reset/v1", hashlib.sha256)
    digest = hmac.new(key.digest(), link_id.bytes, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def request_link(
    session: Session, config: Config, client: Client, email: str, *, now: datetime
) -> None:
    """E-mail a new link to `email`'s active account at `client`, if any; commit either way."""
    if not offered(session, client.id):
        raise NotFound
    lookup = email_lookup(email, config.blind_index_key)
    user = session.scalars(
        select(User).where(User.client_id == client.id, User.email_lookup == lookup)
    ).one_or_none()
    link_id = uuid.uuid4()
    digest = token_hash(link_token(config, link_id))
    # Unknown addresses lock and void against an ID no row has: the same statements.
    target = user.id if user is not None else link_id
    send = user is not None and user.is_active
    client_id = client.id
    start_write(session)
    try:
        session.execute(select(User.id).where(User.id == target).with_for_update())
        _void_open_links(session, target, now)
        if send:
            _issue(session, client_id, target, link_id, digest, now)
        session.commit()
    except BaseException:
        session.rollback()
        raise


def open_link(session: Session, client: Client, token: str, *, now: datetime) -> uuid.UUID:
    """The ID of the usable link of `client` that `token` belongs to, else `LinkUnusable`."""
    if not offered(session, client.id):
        raise NotFound
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise LinkUnusable(gone=False)
    link = session.scalars(
        select(PasswordResetLink).where(PasswordResetLink.token_hash == token_hash(token))
    ).one_or_none()
    return _usable(session, client, link, now).id


def check_link(session: Session, client: Client, link_id: uuid.UUID, *, now: datetime) -> None:
    """Raise `LinkUnusable` unless link `link_id` of `client` still works."""
    if not offered(session, client.id):
        raise NotFound
    _usable(session, client, session.get(PasswordResetLink, link_id), now)


def reset_password(
    session: Session,
    config: Config,
    client: Client,
    link_id: uuid.UUID,
    new: str,
    confirm: str,
    *,
    now: datetime,
) -> User:
    """Set the password of the link's owner, spend the link, end their sessions; commit.

    A refused password (`PasswordRefused`) changes nothing and leaves the link usable.
    """
    check_link(session, client, link_id, now=now)
    link = session.get_one(PasswordResetLink, link_id)
    user = session.get_one(User, link.user_id)
    policy = client_policy(session, client.id)
    refuse_weak_password(new, policy, email=user.email, business_name=client.name, field="new")
    if new != confirm:
        raise PasswordRefused("confirm", ["The new passwords differ. Type the same one twice."])
    refuse_reused_password(session, config, user, new, policy)
    checked_hash, user_id = user.password_hash, user.id
    new_hash = hash_password(new, config.password_pepper, config.bcrypt_cost)

    start_write(session)
    try:
        # The person's row first, as every path that voids links takes it: no deadlock.
        user = lock_user_row(session, user_id)
        link = _usable(session, client, _locked_link(session, link_id), now)
        if user.password_hash != checked_hash:
            # Changed meanwhile (an administrator, say): the history check is stale.
            raise PasswordRefused("new", ["Your password was just changed. Please try again."])
        _spend(session, client, user, link, new_hash, now)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return user


def _issue(
    session: Session,
    client_id: uuid.UUID,
    user_id: uuid.UUID,
    link_id: uuid.UUID,
    digest: str,
    now: datetime,
) -> None:
    session.add(
        PasswordResetLink(
            id=link_id,
            client_id=client_id,
            user_id=user_id,
            token_hash=digest,
            created_at=now,
            expires_at=now + LINK_LIFETIME,
        )
    )
    enqueue_email(
        session,
        client_id=client_id,
        template=EMAIL_TEMPLATE,
        context={"link_id": link_id, "minutes": LINK_LIFETIME // timedelta(minutes=1)},
        to_user_id=user_id,
        kind="password_reset",
    )


def _spend(
    session: Session,
    client: Client,
    user: User,
    link: PasswordResetLink,
    new_hash: str,
    now: datetime,
) -> None:
    replace_password(session, user, new_hash, now=now, must_change=False)
    # Whoever can read the mailbox owns the account: a lock from failed guesses has no point.
    lift_lock(user)
    link.used_at = now
    _void_open_links(session, user.id, now)
    audit.record(
        session,
        action="user.password_reset",
        client_id=client.id,
        object_type="user",
        object_id=user.id,
        actor_id=user.id,
        actor_role=user.role.value,
    )


def _void_open_links(session: Session, user_id: uuid.UUID, now: datetime) -> None:
    session.execute(
        update(PasswordResetLink)
        .where(
            PasswordResetLink.user_id == user_id,
            PasswordResetLink.used_at.is_(None),
            PasswordResetLink.voided_at.is_(None),
        )
        .values(voided_at=now)
        .execution_options(synchronize_session=False)
    )


def _locked_link(session: Session, link_id: uuid.UUID) -> PasswordResetLink | None:
    return session.scalars(
        select(PasswordResetLink)
        .where(PasswordResetLink.id == link_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()


def _usable(
    session: Session, client: Client, link: PasswordResetLink | None, now: datetime
) -> PasswordResetLink:
    # Another client's link is answered like one that does not exist.
    if link is None or link.client_id != client.id:
        raise LinkUnusable(gone=False)
    owner = session.get(User, link.user_id)
    if not link.usable(now) or owner is None or not owner.is_active:
        raise LinkUnusable(gone=True)
    return link
