"""Audit events join their client's chain with the caller's transaction, or not at all."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask
from flask_login import login_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import get_config
from app.models import AuditEvent, Role
from app.services import audit
from app.services.audit_verify import verify


def events(session: Session, chain: str) -> list[AuditEvent]:
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.chain == chain).order_by(AuditEvent.seq)
        )
    )


def test_events_of_one_client_form_a_verified_chain_in_order(
    app: Flask, db_session: Session, make_client
) -> None:
    client = make_client()
    with app.app_context():
        for action in ("customer.view", "appointment.create", "appointment.cancel"):
            audit.record(db_session, action=action, client_id=client.id, object_type="appointment")
            db_session.commit()
        report = verify(db_session, get_config().audit_key, str(client.id))
    stored = events(db_session, str(client.id))
    assert [event.seq for event in stored] == [1, 2, 3]
    assert [event.action for event in stored] == [
        "customer.view",
        "appointment.create",
        "appointment.cancel",
    ]
    assert report.intact and report.events == 3


def test_a_rolled_back_event_leaves_no_trace_and_no_gap(
    app: Flask, db_session: Session, make_client
) -> None:
    client = make_client()
    with app.app_context():
        audit.record(db_session, action="customer.view", client_id=client.id)
        db_session.commit()
        audit.record(db_session, action="appointment.change", client_id=client.id)
        db_session.rollback()
        audit.record(db_session, action="appointment.cancel", client_id=client.id)
        db_session.commit()
        report = verify(db_session, get_config().audit_key, str(client.id))
    stored = events(db_session, str(client.id))
    assert [(event.seq, event.action) for event in stored] == [
        (1, "customer.view"),
        (2, "appointment.cancel"),
    ]
    assert report.intact


def test_clients_and_the_platform_keep_separate_chains(
    app: Flask, db_session: Session, make_client
) -> None:
    first, second = make_client(), make_client()
    with app.app_context():
        for client_id in (first.id, second.id, None, first.id):
            audit.record(db_session, action="settings.change", client_id=client_id)
        db_session.commit()
    assert [event.seq for event in events(db_session, str(first.id))] == [1, 2]
    assert [event.seq for event in events(db_session, str(second.id))] == [1]
    assert [event.seq for event in events(db_session, "platform")] == [1]


def test_only_field_names_are_stored_sorted_and_once(
    app: Flask, db_session: Session, make_client
) -> None:
    client = make_client()
    with app.app_context():
        audit.record(
            db_session,
            action="settings.change",
            client_id=client.id,
            object_type="security_policy",
            object_id=client.id,
            fields=["min_length", "lockout_threshold", "min_length"],
        )
        db_session.commit()
    (event,) = events(db_session, str(client.id))
    assert event.fields == ["lockout_threshold", "min_length"]
    assert event.object_id == str(client.id)


@pytest.mark.parametrize("fields", [["Jane Doe"], ["notes: call me"], "name"])
def test_something_other_than_field_names_is_refused(
    app: Flask, db_session: Session, make_client, fields
) -> None:
    client = make_client()
    with app.app_context(), pytest.raises((ValueError, TypeError)) as error:
        audit.record(db_session, action="settings.change", client_id=client.id, fields=fields)
    assert "Jane" not in str(error.value)
    db_session.rollback()
    assert events(db_session, str(client.id)) == []


def test_actor_role_and_ip_come_from_the_signed_in_request(
    app: Flask, db_session: Session, make_client, make_user
) -> None:
    client = make_client()
    admin = make_user(client=client, role=Role.CLIENT_ADMIN)
    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.7"}):
        login_user(admin)
        audit.record(db_session, action="customer.view", client_id=client.id, flagged=True)
        db_session.commit()
    (event,) = events(db_session, str(client.id))
    assert (event.actor_id, event.actor_role, event.ip_address, event.flagged) == (
        admin.id,
        "client_admin",
        "203.0.113.7",
        True,
    )


def test_an_explicit_actor_is_kept_outside_a_request(
    app: Flask, db_session: Session, make_client
) -> None:
    client = make_client()
    actor = uuid.uuid4()
    with app.app_context():
        audit.record(
            db_session,
            action="keys.rotate",
            client_id=client.id,
            actor_id=actor,
            actor_role="platform_admin",
        )
        db_session.commit()
    (event,) = events(db_session, str(client.id))
    assert (event.actor_id, event.actor_role, event.ip_address) == (actor, "platform_admin", None)
