"""The chain arithmetic: stable serialization, and a walk that finds the first break."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta, timezone

from app.services.audit_chain import (
    GENESIS_MAC,
    EventContent,
    StoredEvent,
    canonical,
    compute_mac,
    verify_chain,
)

KEY = bytes(range(32))
CHAIN = "platform"
START = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)


def content(seq: int, **changes: object) -> EventContent:
    values: dict[str, object] = {
        "id": uuid.UUID(int=seq),
        "chain": CHAIN,
        "seq": seq,
        "at": START + timedelta(minutes=seq),
        "client_id": None,
        "actor_id": None,
        "actor_role": "support",
        "action": "support.reveal",
        "object_type": "appointment",
        "object_id": str(uuid.UUID(int=1000 + seq)),
        "ip_address": "192.0.2.1",
        "fields": ("notes",),
        "flagged": False,
    }
    values.update(changes)
    return EventContent(**values)  # type: ignore[arg-type]


def chain_of(count: int, key: bytes = KEY) -> list[StoredEvent]:
    events, prev = [], GENESIS_MAC
    for seq in range(1, count + 1):
        mac = compute_mac(key, prev, content(seq))
        events.append(StoredEvent(content(seq), prev, mac))
        prev = mac
    return events


def head(events: list[StoredEvent]) -> tuple[int, str]:
    return len(events), events[-1].mac


def test_serialization_is_the_same_whatever_the_zone_or_field_order() -> None:
    in_utc = content(1, fields=("a", "b"))
    elsewhere = content(1, at=in_utc.at.astimezone(timezone(timedelta(hours=5))), fields=("b", "a"))
    assert canonical(in_utc) == canonical(elsewhere)
    assert b'"at":"2026-11-22T09:31:00.000000+00:00"' in canonical(in_utc)


def test_an_intact_chain_verifies() -> None:
    events = chain_of(4)
    assert verify_chain(KEY, CHAIN, events, head(events)) is None


def test_an_empty_chain_without_a_head_verifies() -> None:
    assert verify_chain(KEY, CHAIN, [], None) is None


def test_another_key_fails_at_the_first_event() -> None:
    events = chain_of(3, key=bytes(32))
    problem = verify_chain(KEY, CHAIN, events, head(events))
    assert problem is not None and problem.seq == 1


def test_any_changed_attribute_is_caught_at_its_event() -> None:
    events = chain_of(4)
    for name, value in [("action", "customer.view"), ("flagged", True), ("fields", ())]:
        altered = list(events)
        altered[2] = dataclasses.replace(
            events[2], content=dataclasses.replace(events[2].content, **{name: value})
        )
        problem = verify_chain(KEY, CHAIN, altered, head(events))
        assert problem is not None
        assert (problem.seq, problem.event_id) == (3, events[2].content.id)
        assert "altered" in problem.reason


def test_a_removed_event_is_caught_at_the_next_one() -> None:
    events = chain_of(4)
    problem = verify_chain(KEY, CHAIN, events[:1] + events[2:], head(events))
    assert problem is not None and problem.seq == 3 and "missing" in problem.reason


def test_a_removed_tail_is_caught_by_the_head() -> None:
    events = chain_of(4)
    problem = verify_chain(KEY, CHAIN, events[:2], head(events))
    assert problem is not None and problem.seq == 3 and "deleted" in problem.reason


def test_renumbered_events_do_not_follow_their_predecessor() -> None:
    events = chain_of(4)
    swapped = [
        events[0],
        dataclasses.replace(events[2], content=dataclasses.replace(events[2].content, seq=2)),
        dataclasses.replace(events[1], content=dataclasses.replace(events[1].content, seq=3)),
        events[3],
    ]
    problem = verify_chain(KEY, CHAIN, swapped, head(events))
    assert problem is not None
    assert problem.event_id == events[2].content.id


def test_the_description_names_sequence_and_event_but_no_content() -> None:
    events = chain_of(2)
    problem = verify_chain(KEY, CHAIN, events[1:], head(events))
    assert problem is not None
    line = problem.describe()
    assert "sequence 2" in line and str(events[1].content.id) in line
    assert "192.0.2.1" not in line
