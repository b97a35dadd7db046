"""Managing feed URLs: create (the token is shown once), rename, revoke, regenerate.

Any signed-in client user manages their own feeds; a client administrator may also
list and revoke every feed of the client and choose how much the feeds reveal.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.models import CalendarFeedToken, Client, FeedScope, Schedule, User
from app.scope import Scope
from app.services import audit, feed_cache
from app.services.feed_tokens import new_token, token_hash
from app.services.field_errors import InvalidField
from app.services.permissions import require_admin
from app.services.unit_of_work import start_write
from scheduling.ical import Privacy

MAX_NAME = 100


@dataclass(frozen=True)
class NewFeed:
    """A feed just made: the token is in memory here and nowhere else."""

    feed: CalendarFeedToken
    token: str


def my_feeds(session: Session, user: User) -> list[CalendarFeedToken]:
    """The user's feeds, live ones first, newest first."""
    stmt = (
        select(CalendarFeedToken)
        .where(CalendarFeedToken.user_id == user.id, CalendarFeedToken.client_id == user.client_id)
        .order_by(CalendarFeedToken.revoked_at.is_not(None), CalendarFeedToken.created_at.desc())
    )
    return list(session.scalars(stmt))


def visible_schedules(session: Session, scope: Scope) -> list[Schedule]:
    """The schedules a staff feed may follow: every schedule of the client, as the agenda."""
    return list(session.scalars(scope.schedules().order_by(Schedule.name)))


def client_feeds(session: Session, scope: Scope, *, actor: User) -> list[CalendarFeedToken]:
    """Every feed of the client, for its administrators."""
    require_admin(actor, scope)
    stmt = (
        select(CalendarFeedToken)
        .where(CalendarFeedToken.client_id == scope.client_id)
        .order_by(CalendarFeedToken.revoked_at.is_not(None), CalendarFeedToken.created_at.desc())
    )
    return list(session.scalars(stmt))


def create_feed(
    session: Session,
    user: User,
    *,
    name: str,
    schedule_id: uuid.UUID | None,
    now: datetime,
) -> NewFeed:
    """Make and commit a feed: a customer's own, one schedule's, or all (staff)."""
    scope = Scope.for_user(user)
    name = _checked_name(name)
    start_write(session)
    if scope.is_customer:
        kind, schedule_id = FeedScope.CUSTOMER, None
    elif schedule_id is None:
        kind = FeedScope.ALL
    else:
        kind = FeedScope.SCHEDULE
        try:
            scope.get_schedule(session, schedule_id)
        except NotFound:
            raise InvalidField("schedule", "Choose one of the schedules listed.") from None
    token = new_token()
    feed = CalendarFeedToken(
        client_id=scope.client_id,
        user_id=user.id,
        name=name,
        token_hash=token_hash(token),
        scope=kind,
        schedule_id=schedule_id,
        created_at=now,
    )
    session.add(feed)
    _record(session, "calendar_feed.create", feed)
    session.commit()
    return NewFeed(feed=feed, token=token)


def rename_feed(session: Session, user: User, feed_id: uuid.UUID, *, name: str) -> None:
    """Give one of the user's feeds a new name, and commit."""
    name = _checked_name(name)
    start_write(session)
    _own(session, user, feed_id).name = name
    session.commit()


def revoke_feed(session: Session, user: User, feed_id: uuid.UUID, *, now: datetime) -> None:
    """Stop one of the user's feeds at once, and commit."""
    start_write(session)
    feed = _own(session, user, feed_id)
    _revoke(feed, now)
    _record(session, "calendar_feed.revoke", feed)
    session.commit()


def regenerate_feed(session: Session, user: User, feed_id: uuid.UUID, *, now: datetime) -> NewFeed:
    """Replace a feed's URL: the old one stops, a new one with the same name and scope starts."""
    start_write(session)
    old = _own(session, user, feed_id)
    if old.revoked_at is None:
        _revoke(old, now)
    token = new_token()
    feed = CalendarFeedToken(
        client_id=old.client_id,
        user_id=old.user_id,
        name=old.name,
        token_hash=token_hash(token),
        scope=old.scope,
        schedule_id=old.schedule_id,
        created_at=now,
    )
    session.add(feed)
    _record(session, "calendar_feed.regenerate", feed)
    session.commit()
    return NewFeed(feed=feed, token=token)


def admin_revoke_feed(
    session: Session, scope: Scope, feed_id: uuid.UUID, *, actor: User, now: datetime
) -> None:
    """An administrator stops any feed of their client, and commits."""
    require_admin(actor, scope)
    start_write(session)
    feed = session.scalars(
        select(CalendarFeedToken).where(
            CalendarFeedToken.id == feed_id, CalendarFeedToken.client_id == scope.client_id
        )
    ).one_or_none()
    if feed is None:
        raise NotFound
    if feed.revoked_at is None:
        _revoke(feed, now)
        _record(session, "calendar_feed.revoke", feed)
    session.commit()


def set_feed_privacy(session: Session, scope: Scope, *, actor: User, privacy: str) -> None:
    """An administrator chooses how much the client's feeds reveal, and commits."""
    require_admin(actor, scope)
    try:
        level = Privacy(privacy)
    except ValueError:
        raise InvalidField("privacy", "Choose one of the levels listed.") from None
    start_write(session)
    client = session.get(Client, scope.client_id)
    if client is None:
        raise NotFound
    if client.feed_privacy != level:
        client.feed_privacy = level
        # What third-party calendar services get to read: the choice is on record.
        audit.record(
            session,
            action="settings.change",
            client_id=client.id,
            object_type="client",
            object_id=client.id,
            fields=("feed_privacy",),
        )
    session.commit()


def _record(session: Session, action: str, feed: CalendarFeedToken) -> None:
    if feed.id is None:
        session.flush()
    audit.record(
        session,
        action=action,
        client_id=feed.client_id,
        object_type="calendar_feed",
        object_id=feed.id,
    )


def _own(session: Session, user: User, feed_id: uuid.UUID) -> CalendarFeedToken:
    feed = session.scalars(
        select(CalendarFeedToken).where(
            CalendarFeedToken.id == feed_id,
            CalendarFeedToken.user_id == user.id,
            CalendarFeedToken.client_id == user.client_id,
        )
    ).one_or_none()
    if feed is None:
        raise NotFound
    return feed


def _revoke(feed: CalendarFeedToken, now: datetime) -> None:
    feed.revoked_at = now
    feed_cache.forget(feed.id)


def _checked_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidField("name", "Give the feed a name, such as the device it is for.")
    if len(name) > MAX_NAME:
        raise InvalidField("name", f"A name can be at most {MAX_NAME} characters.")
    return name
