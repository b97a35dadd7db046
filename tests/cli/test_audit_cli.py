"""`safeslot audit verify` passes an untouched trail and names the first tampered event."""

from __future__ import annotations

import uuid

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from sqlalchemy import Uuid, bindparam, select, text
from sqlalchemy.orm import Session

from app.cli import CliState, main
from app.models import AuditEvent, Client
from app.services import audit

EVENTS = 5


def run(app: Flask, *args: str) -> Result:
    return CliRunner().invoke(main, ["audit", "verify", *args], obj=CliState(app))


@pytest.fixture
def trail(app: Flask, db_session: Session, make_client) -> tuple[Client, list[AuditEvent]]:
    """A client with five audit events, and another client with two."""
    client, other = make_client(), make_client()
    with app.app_context():
        for i in range(EVENTS):
            audit.record(
                db_session,
                action="customer.view",
                client_id=client.id,
                object_type="customer",
                object_id=uuid.uuid4(),
                fields=["notes"] if i % 2 else (),
                actor_role="staff",
                actor_id=uuid.uuid4(),
            )
            db_session.commit()
        for _ in range(2):
            audit.record(db_session, action="settings.change", client_id=other.id)
            db_session.commit()
    events = db_session.scalars(
        select(AuditEvent).where(AuditEvent.client_id == client.id).order_by(AuditEvent.seq)
    ).all()
    return client, list(events)


def tamper(db_session: Session, sql: str, **params: object) -> None:
    """Run raw SQL, as someone with database access but without the audit key could."""
    statement = text(sql).bindparams(
        *(
            bindparam(name, type_=Uuid())
            for name, value in params.items()
            if isinstance(value, uuid.UUID)
        )
    )
    db_session.execute(statement, params)
    db_session.commit()


def test_an_untouched_trail_verifies(app: Flask, trail) -> None:
    client, _ = trail
    everything = run(app)
    one = run(app, "--client", client.slug)
    assert everything.exit_code == 0, everything.output
    assert "2 chains intact" in everything.output
    assert one.exit_code == 0, one.output
    assert f"{EVENTS} events verified" in one.output


def test_an_altered_event_is_named(app: Flask, db_session: Session, trail) -> None:
    client, events = trail
    tamper(
        db_session,
        "UPDATE audit_events SET action = 'customer.list' WHERE id = :id",
        id=events[2].id,
    )
    result = run(app, "--client", client.slug)
    assert result.exit_code != 0
    assert f"sequence 3 (event {events[2].id})" in result.output
    assert "altered" in result.output


def test_a_changed_field_list_is_caught(app: Flask, db_session: Session, trail) -> None:
    client, events = trail
    tamper(db_session, "UPDATE audit_events SET fields = '[]' WHERE id = :id", id=events[1].id)
    result = run(app, "--client", client.slug)
    assert result.exit_code != 0
    assert f"sequence 2 (event {events[1].id})" in result.output


def test_a_deleted_event_is_named_by_the_one_after_it(
    app: Flask, db_session: Session, trail
) -> None:
    client, events = trail
    tamper(db_session, "DELETE FROM audit_events WHERE id = :id", id=events[1].id)
    result = run(app, "--client", client.slug)
    assert result.exit_code != 0
    assert f"sequence 3 (event {events[2].id})" in result.output
    assert "missing" in result.output


def test_deleting_the_newest_events_is_caught(app: Flask, db_session: Session, trail) -> None:
    client, events = trail
    tamper(
        db_session,
        "DELETE FROM audit_events WHERE seq >= 4 AND chain = :chain",
        chain=str(client.id),
    )
    result = run(app, "--client", client.slug)
    assert result.exit_code != 0
    assert "sequence 4" in result.output
    assert "deleted" in result.output


def test_reordered_events_are_caught(app: Flask, db_session: Session, trail) -> None:
    client, events = trail
    # Swap sequence numbers 2 and 3 (through a free number: (chain, seq) is unique).
    tamper(db_session, "UPDATE audit_events SET seq = 1000 WHERE id = :id", id=events[1].id)
    tamper(db_session, "UPDATE audit_events SET seq = 2 WHERE id = :id", id=events[2].id)
    tamper(db_session, "UPDATE audit_events SET seq = 3 WHERE id = :id", id=events[1].id)
    result = run(app, "--client", client.slug)
    assert result.exit_code != 0
    assert f"sequence 2 (event {events[2].id})" in result.output


def test_an_inserted_event_is_caught(app: Flask, db_session: Session, trail) -> None:
    client, events = trail
    # A copy of event 2 with a new id, slotted in as 3 after moving 3.. up by one.
    chain = str(client.id)
    for event in reversed(events[2:]):
        tamper(
            db_session,
            "UPDATE audit_events SET seq = seq + 1 WHERE id = :id",
            id=event.id,
        )
    forged = uuid.uuid4()
    tamper(
        db_session,
        "INSERT INTO audit_events (id, chain, seq, at, client_id, actor_id, actor_role, action,"
        " object_type, object_id, ip_address, fields, flagged, prev_mac, mac)"
        " SELECT :forged, chain, 3, at, client_id, actor_id, actor_role, 'customer.export',"
        " object_type, object_id, ip_address, fields, flagged, mac, mac"
        " FROM audit_events WHERE id = :id",
        forged=forged,
        id=events[1].id,
    )
    assert chain
    result = run(app, "--client", client.slug)
    assert result.exit_code != 0
    assert f"sequence 3 (event {forged})" in result.output


def test_tampering_with_one_client_leaves_the_others_verified(
    app: Flask, db_session: Session, trail
) -> None:
    client, events = trail
    tamper(
        db_session,
        "UPDATE audit_events SET ip_address = '10.0.0.1' WHERE id = :id",
        id=events[0].id,
    )
    result = run(app)
    assert result.exit_code != 0
    assert "1 of 2 chains failed" in result.output
    assert "events verified" in result.output


def test_an_unknown_client_is_reported(app: Flask) -> None:
    result = run(app, "--client", "no-such-client")
    assert result.exit_code != 0
    assert "no-such-client" in result.output
