"""Answering a calendar app's poll of a feed URL: find the token, fingerprint, render.

Every refusal (unknown token, revoked, owner deactivated or no longer in a role that
may read the feed, schedule gone) is the same `NotFound`, so a URL reveals nothing.
A poll that changes nothing is answered from the fingerprint alone: one aggregate
query, no rows loaded, nothing rendered.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import (
    ColumnElement,
    Select,
    case,
    func,
    literal,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.models import (
    Appointment,
    AppointmentStatus,
    CalendarFeedToken,
    Client,
    EventVariant,
    FeedScope,
    Role,
    Service,
    User,
)
from app.scope import Scope
from app.services import feed_cache, rendered_events
from app.services.agenda import LOCKED_LABEL
from app.services.feed_tokens import token_hash
from app.services.sealed_columns import Opener
from scheduling.ical import EventValues, Privacy, calendar_bytes, event_uid, feed_summary

#: Past appointments kept in a feed; older ones have no use on a phone.
PAST_DAYS = 90
#: Cancelled appointments stay (as CANCELLED) this long, so calendars remove them.
CANCELLED_DAYS = 30
#: How often calendar apps are asked to poll.
REFRESH_MINUTES = 60
#: Bumped when the rendering changes, so every cached ETag goes stale.
RENDER_VERSION = "1"


@dataclass(frozen=True)
class Feed:
    """A valid token's feed, as plain values."""

    token_id: uuid.UUID
    scope: Scope
    kind: FeedScope
    schedule_id: uuid.UUID | None
    privacy: Privacy
    title: str


@dataclass(frozen=True)
class FeedAnswer:
    """What to send: the ETag, and the body unless the caller already has it."""

    etag: str
    body: bytes | None


def serve_feed(
    session: Session, token: str, *, fresh: Callable[[str], bool], now: datetime
) -> FeedAnswer:
    """Count the fetch and commit; the body only when `fresh(etag)` says the caller's is stale."""
    feed = open_feed(session, token)
    cutoff = _cutoff(now)
    marker = client_marker(session, feed, cutoff)
    _count_use(session, feed.token_id, now)
    seen = feed_cache.last_seen(feed.token_id)
    if seen is not None and seen.marker == marker:
        etag, body = seen.etag, seen.body
    else:
        # Something of the client changed: was it in this feed?
        etag = fingerprint(session, feed, cutoff)
        body = seen.body if seen is not None and seen.etag == etag else None
    if not fresh(etag) and body is None:
        body = render_feed(session, feed, cutoff)
    feed_cache.keep(feed.token_id, feed_cache.Seen(marker=marker, etag=etag, body=body))
    return FeedAnswer(etag=etag, body=None if fresh(etag) else body)


def open_feed(session: Session, token: str) -> Feed:
    """The feed of a valid token, else `NotFound`."""
    row = session.execute(
        select(CalendarFeedToken, User, Client)
        .join(User, User.id == CalendarFeedToken.user_id)
        .join(Client, Client.id == CalendarFeedToken.client_id)
        .where(
            CalendarFeedToken.token_hash == token_hash(token),
            CalendarFeedToken.revoked_at.is_(None),
            User.is_active.is_(True),
        )
    ).one_or_none()
    if row is None:
        raise NotFound
    feed_token, user, client = row
    customer_feed = feed_token.scope is FeedScope.CUSTOMER
    # A role change since the feed was made narrows what it may show, or ends it.
    if customer_feed != (user.role is Role.CUSTOMER):
        raise NotFound
    scope = Scope.for_user(user)
    title = client.name
    if feed_token.scope is FeedScope.SCHEDULE:
        schedule = scope.get_schedule(session, feed_token.schedule_id)
        title = f"{schedule.name} – {client.name}"
    return Feed(
        token_id=feed_token.id,
        scope=scope,
        kind=feed_token.scope,
        schedule_id=feed_token.schedule_id,
        privacy=client.feed_privacy,
        title=title,
    )


def client_marker(session: Session, feed: Feed, cutoff: datetime) -> str:
    """A summary of all the client's appointments that changes whenever any of them does.

    Coarser than `fingerprint` (a change anywhere in the client moves it) but answered
    from the (client_id, updated_at) index alone, without reading the feed's rows.
    """
    count, last_change = session.execute(
        select(func.count(), func.max(Appointment.updated_at)).where(
            Appointment.client_id == feed.scope.client_id
        )
    ).one()
    parts = (RENDER_VERSION, feed.privacy, feed.title, cutoff, count, last_change)
    return "|".join(str(part) for part in (*parts, _locks_key(session, feed)))


def fingerprint(session: Session, feed: Feed, cutoff: datetime) -> str:
    """The feed's ETag: changes whenever a row enters, leaves or changes."""
    count, last_change = session.execute(
        _rows(feed, cutoff).with_only_columns(
            func.count(Appointment.id), func.max(Appointment.updated_at)
        )
    ).one()
    parts = (RENDER_VERSION, feed.kind, feed.schedule_id, feed.privacy, feed.title, cutoff)
    text = "|".join(str(part) for part in (*parts, count, last_change, _locks_key(session, feed)))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def render_feed(session: Session, feed: Feed, cutoff: datetime) -> bytes:
    """The feed's iCalendar bytes; events come from the store unless their values changed.

    One query reads the rows with their stored events (app.services.rendered_events);
    only what the store lacks is rendered by the library, then written back. No
    customer is loaded: names are read only at a level that shows them, and each
    is opened once.
    """
    client_id = feed.scope.client_id
    store = rendered_events.StoredEvents(session, client_id)
    names = _Names(session, client_id)
    stmt = _feed_rows(feed, cutoff, feed.scope.locked_customer_ids(session))
    # Plain rows through Core, unpacked by position: ORM loading, or reading a row's
    # columns by name, would cost more than everything else done for a stored event.
    bodies = []
    for row in session.connection().execute(stmt).all():
        appointment_id, start, end, updated, sequence, status, service, customer_id = row[:8]
        sealed_name, variant, stored = row[8], row[9], row[10:]
        values = EventValues(
            uid=event_uid(appointment_id),
            start=start,
            end=end,
            # The last change, not the fetch time: unchanged events keep their stored bytes.
            stamp=updated,
            last_modified=updated,
            sequence=sequence,
            status=status,
            summary=_summary(feed.privacy, variant, service, customer_id, sealed_name, names),
        )
        bodies.append(store.event(values, appointment_id, variant, stored))
    rendered_events.keep(session, client_id, store.misses)
    return calendar_bytes(bodies, name=feed.title, refresh_minutes=REFRESH_MINUTES)


def _feed_rows(feed: Feed, cutoff: datetime, locked: frozenset[uuid.UUID]) -> Select:
    """The feed's rows as plain columns, then the variant and stored event (see `render_feed`)."""
    shows_service = feed.privacy is not Privacy.BUSY_ONLY
    shows_names = shows_service and not feed.scope.is_customer
    stmt = (
        _rows(feed, cutoff)
        .with_only_columns(
            Appointment.id,
            Appointment.start_at,
            Appointment.end_at,
            Appointment.updated_at,
            Appointment.sequence,
            Appointment.status,
            Service.name if shows_service else null(),
            Appointment.customer_id if shows_names else null(),
            # Still sealed: `_Names` opens each customer's once, not once per row.
            User.display_name if shows_names else null(),
        )
        .order_by(Appointment.start_at, Appointment.id)
    )
    stmt = rendered_events.with_stored(stmt, _variant(feed, locked))
    if shows_service:
        stmt = stmt.join(Service, Service.id == Appointment.service_id)
    if shows_names:
        stmt = stmt.join(User, User.id == Appointment.customer_id)
    return stmt


def _variant(feed: Feed, locked: frozenset[uuid.UUID]) -> ColumnElement[str]:
    """SQL for what the feed's owner may see of each row (an `EventVariant` value)."""
    if feed.privacy is Privacy.BUSY_ONLY:
        return literal(EventVariant.BUSY.value)
    # A customer's own feed never needs their name; initials would be noise.
    own = EventVariant.UNNAMED if feed.scope.is_customer else EventVariant.NAMED
    if not locked:
        return literal(own.value)
    return case((Appointment.customer_id.in_(locked), EventVariant.LOCKED.value), else_=own.value)


def _summary(
    privacy: Privacy,
    variant: str,
    service_name: str | None,
    customer_id: uuid.UUID | None,
    sealed_name: str | None,
    names: _Names,
) -> str:
    name = ""
    if variant == EventVariant.LOCKED:  # the owner is not named on the record's lock
        service_name = LOCKED_LABEL
    elif variant == EventVariant.NAMED:
        name = names.of(customer_id, sealed_name)
    return feed_summary(privacy, service_name=service_name or "", customer_name=name)


class _Names:
    """Customers' names for one feed, each opened once (a customer has many rows)."""

    def __init__(self, session: Session, client_id: uuid.UUID) -> None:
        self._opener = Opener(session, client_id)
        # By customer, not by ciphertext: each value is opened with its own row's id.
        self._names: dict[uuid.UUID, str] = {}

    def of(self, customer_id: uuid.UUID, sealed: str) -> str:
        name = self._names.get(customer_id)
        if name is None:
            name = self._opener.open(
                sealed, table=User.__tablename__, column="display_name", row_id=customer_id
            )
            self._names[customer_id] = name
        return name


def _locks_key(session: Session, feed: Feed) -> str:
    # Record locks against the feed's owner change what it may show without touching
    # any appointment, so they are part of the cache keys.
    return ",".join(sorted(str(i) for i in feed.scope.locked_customer_ids(session)))


def _rows(feed: Feed, cutoff: datetime) -> Select[tuple[Appointment]]:
    stmt = feed.scope.appointments().where(
        Appointment.end_at >= cutoff - timedelta(days=PAST_DAYS),
        or_(
            Appointment.status != AppointmentStatus.CANCELLED,
            Appointment.updated_at >= cutoff - timedelta(days=CANCELLED_DAYS),
        ),
    )
    if feed.kind is FeedScope.SCHEDULE:
        stmt = stmt.where(Appointment.schedule_id == feed.schedule_id)
    return stmt


def _cutoff(now: datetime) -> datetime:
    # Whole days: the window moves once a day, so the fingerprint holds between polls.
    return datetime.combine(now.astimezone(UTC).date(), time(), tzinfo=UTC)


def _count_use(session: Session, token_id: uuid.UUID, now: datetime) -> None:
    session.execute(
        update(CalendarFeedToken)
        .where(CalendarFeedToken.id == token_id)
        .values(last_used_at=now, use_count=CalendarFeedToken.use_count + 1)
    )
    session.commit()
