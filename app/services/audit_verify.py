"""Verifying the audit chains stored in the database against the key kept outside it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.models import AuditChainHead, AuditEvent, Client
from app.models.audit import chain_name
from app.services.audit_chain import ChainBreak, EventContent, StoredEvent, verify_chain

#: Rows read at a time while walking a chain, so a long trail never sits in memory.
BATCH = 1000


@dataclass(frozen=True)
class ChainReport:
    """The outcome of verifying one chain."""

    chain: str
    events: int
    problem: ChainBreak | None

    @property
    def intact(self) -> bool:
        """True when every event of the chain verified."""
        return self.problem is None


def chains_of(session: Session, client_slug: str | None) -> list[str]:
    """The chains to verify: one client's (by slug), or every chain with a head or an event."""
    if client_slug is not None:
        client_id = session.scalars(select(Client.id).where(Client.slug == client_slug)).first()
        if client_id is None:
            raise NotFound
        return [chain_name(client_id)]
    heads = set(session.scalars(select(AuditChainHead.chain)))
    events = set(session.scalars(select(AuditEvent.chain).distinct()))
    return sorted(heads | events)


def verify(session: Session, key: bytes, chain: str) -> ChainReport:
    """Walk one chain in sequence order and report the first event that does not verify."""
    head_row = session.execute(
        select(AuditChainHead.seq, AuditChainHead.mac).where(AuditChainHead.chain == chain)
    ).first()
    head = None if head_row is None else (head_row.seq, head_row.mac)
    counter = _Counter()
    # Closing the walk closes its server-side cursor even when it stops at a break.
    with closing(_stored(session, chain)) as stored:
        problem = verify_chain(key, chain, counter.count(stored), head)
    return ChainReport(chain, counter.seen, problem)


#: The columns a chain walk reads: plain rows, not ORM objects (a walk reads millions).
_COLUMNS = (
    AuditEvent.id,
    AuditEvent.chain,
    AuditEvent.seq,
    AuditEvent.at,
    AuditEvent.client_id,
    AuditEvent.actor_id,
    AuditEvent.actor_role,
    AuditEvent.action,
    AuditEvent.object_type,
    AuditEvent.object_id,
    AuditEvent.ip_address,
    AuditEvent.fields,
    AuditEvent.flagged,
    AuditEvent.prev_mac,
    AuditEvent.mac,
)


def _stored(session: Session, chain: str) -> Iterator[StoredEvent]:
    stmt = (
        select(*_COLUMNS)
        .where(AuditEvent.chain == chain)
        .order_by(AuditEvent.seq)
        .execution_options(yield_per=BATCH)
    )
    result = session.execute(stmt)
    try:
        for row in result:
            yield StoredEvent(_content(row), row.prev_mac, row.mac)
    finally:
        result.close()


def _content(row: Row) -> EventContent:
    return EventContent(
        id=row.id,
        chain=row.chain,
        seq=row.seq,
        at=row.at,
        client_id=row.client_id,
        actor_id=row.actor_id,
        actor_role=row.actor_role,
        action=row.action,
        object_type=row.object_type,
        object_id=row.object_id,
        ip_address=row.ip_address,
        fields=tuple(row.fields or ()),
        flagged=row.flagged,
    )


class _Counter:
    def __init__(self) -> None:
        self.seen = 0

    def count(self, events: Iterator[StoredEvent]) -> Iterator[StoredEvent]:
        for event in events:
            self.seen += 1
            yield event
