"""Twenty transactions append to one client's audit chain at once: the chain stays whole.

Each thread opens its own session, reads something first (as a request would),
appends an event and holds its transaction open for a moment before committing,
so the appends really overlap. The chain-head row lock serializes them: the
chain ends with twenty consecutive sequence numbers and verifies.
"""

from __future__ import annotations

import time

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import get_config
from app.db import get_db
from app.models import AuditEvent, Client
from app.services import audit
from app.services.audit_verify import verify
from tests.concurrency import run_at_once

WRITERS = 20
#: Long enough that the transactions overlap; never asserted as a duration.
HOLD_SECONDS = 0.05


@pytest.mark.postgres
def test_concurrent_appends_keep_one_gapless_verified_chain(
    app: Flask, db_session: Session, make_client
) -> None:
    client = make_client()
    sessionmaker = get_db(app).sessionmaker

    def append(i: int) -> None:
        with app.app_context(), sessionmaker() as session:
            session.scalar(select(Client.slug).where(Client.id == client.id))
            audit.record(session, action="customer.view", client_id=client.id, object_id=str(i))
            time.sleep(HOLD_SECONDS)
            session.commit()

    run_at_once(WRITERS, append)

    seqs = db_session.scalars(
        select(AuditEvent.seq).where(AuditEvent.client_id == client.id).order_by(AuditEvent.seq)
    ).all()
    assert seqs == list(range(1, WRITERS + 1))
    objects = set(db_session.scalars(select(AuditEvent.object_id)))
    assert objects == {str(i) for i in range(WRITERS)}
    with app.app_context():
        report = verify(db_session, get_config().audit_key, str(client.id))
    assert report.intact, report.problem
    assert report.events == WRITERS


@pytest.mark.postgres
def test_concurrent_first_appends_to_a_new_chain_do_not_collide(
    app: Flask, db_session: Session, make_client
) -> None:
    client = make_client()
    sessionmaker = get_db(app).sessionmaker

    def append(i: int) -> None:
        with app.app_context(), sessionmaker() as session:
            audit.record(session, action="appointment.create", client_id=client.id)
            if i % 4 == 0:
                session.rollback()  # a failed request: its event must leave no gap
            else:
                session.commit()

    run_at_once(WRITERS, append)

    seqs = db_session.scalars(
        select(AuditEvent.seq).where(AuditEvent.client_id == client.id).order_by(AuditEvent.seq)
    ).all()
    assert seqs == list(range(1, WRITERS - WRITERS // 4 + 1))
    with app.app_context():
        assert verify(db_session, get_config().audit_key, str(client.id)).intact
