"""The audit chain's arithmetic: canonical content, MACs and the walk that verifies them.

Plain values in, plain values out: no database here. Each event's MAC is
HMAC-SHA256(key, previous MAC + canonical content), so changing, removing,
inserting or reordering any event breaks every MAC from that point on, and
nobody without the key (kept outside the database) can forge a consistent chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

#: The "previous MAC" of the first event of every chain.
GENESIS_MAC = "0" * 64


@dataclass(frozen=True)
class EventContent:
    """Everything an event's MAC covers."""

    id: uuid.UUID
    chain: str
    seq: int
    at: datetime
    client_id: uuid.UUID | None
    actor_id: uuid.UUID | None
    actor_role: str | None
    action: str
    object_type: str | None
    object_id: str | None
    ip_address: str | None
    fields: tuple[str, ...]
    flagged: bool


@dataclass(frozen=True)
class StoredEvent:
    """An event as read back from storage: its content and the MACs stored beside it."""

    content: EventContent
    prev_mac: str
    mac: str


@dataclass(frozen=True)
class ChainBreak:
    """The first event at which a chain stops verifying, and why."""

    chain: str
    seq: int
    event_id: uuid.UUID | None
    reason: str

    def describe(self) -> str:
        """One line naming the chain, the event and the reason."""
        event = f"event {self.event_id}" if self.event_id else "no event"
        return f"chain {self.chain}: sequence {self.seq} ({event}): {self.reason}"


def canonical(content: EventContent) -> bytes:
    """A stable serialization: sorted keys, ISO UTC time, compact separators, ASCII."""
    document = {
        "id": str(content.id),
        "chain": content.chain,
        "seq": content.seq,
        "at": content.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "client_id": _text(content.client_id),
        "actor_id": _text(content.actor_id),
        "actor_role": content.actor_role,
        "action": content.action,
        "object_type": content.object_type,
        "object_id": content.object_id,
        "ip_address": content.ip_address,
        "fields": sorted(content.fields),
        "flagged": content.flagged,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode("ascii")


def compute_mac(key: bytes, prev_mac: str, content: EventContent) -> str:
    """The event's MAC: HMAC-SHA256 over the previous MAC and the canonical content."""
    message = prev_mac.encode("ascii") + b"\n" + canonical(content)
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def verify_chain(
    key: bytes, chain: str, events: Iterable[StoredEvent], head: tuple[int, str] | None
) -> ChainBreak | None:
    """Walk one chain in sequence order; the first break found, or None if it is intact.

    `head` is the (sequence, MAC) the chain's head row says was appended last:
    it catches events removed from the end, which no later MAC would notice.
    """
    expected_seq, prev_mac = 1, GENESIS_MAC
    for event in events:
        problem = _check(key, event, expected_seq, prev_mac)
        if problem:
            return ChainBreak(chain, event.content.seq, event.content.id, problem)
        expected_seq, prev_mac = expected_seq + 1, event.mac
    last_seq = expected_seq - 1
    if head is None:
        if last_seq:
            return ChainBreak(chain, last_seq, None, "the chain's head record is missing")
        return None
    head_seq, head_mac = head
    if head_seq > last_seq:
        return ChainBreak(
            chain, last_seq + 1, None, f"events {last_seq + 1} to {head_seq} were deleted"
        )
    if head_seq != last_seq or head_mac != prev_mac:
        return ChainBreak(chain, head_seq, None, "the chain's head record does not match")
    return None


def _check(key: bytes, event: StoredEvent, expected_seq: int, prev_mac: str) -> str | None:
    seq = event.content.seq
    if seq > expected_seq:
        return f"events from sequence {expected_seq} are missing (deleted before this one)"
    if seq < expected_seq:
        return "sequence number repeated (an event was inserted or copied)"
    if event.content.chain != chain_of(event):
        return "event moved from another chain"
    if event.prev_mac != prev_mac:
        return "does not follow the previous event (events deleted, inserted or reordered)"
    if not hmac.compare_digest(compute_mac(key, prev_mac, event.content), event.mac):
        return "content altered (its MAC does not match)"
    return None


def chain_of(event: StoredEvent) -> str:
    """The chain an event's client places it in."""
    client_id = event.content.client_id
    return "platform" if client_id is None else str(client_id)


def _text(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)
