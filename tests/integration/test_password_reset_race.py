"""Two submissions of one reset link at once on PostgreSQL: exactly one sets the password."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.db import get_db
from app.models import AuditEvent, PasswordResetLink, SecurityPolicyRow, User
from app.services import password_reset as reset
from auth.passwords import verify_password
from tests.concurrency import run_at_once

pytestmark = pytest.mark.postgres
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
CHOICES = ["purple walrus juggles teacups", "amber heron folds the maps"]


def test_two_submissions_of_one_link_at_once_change_the_password_once(
    app, config, db_session, make_client, make_user
):
    business = make_client()
    db_session.add(SecurityPolicyRow(client_id=business.id, self_service_reset=True))
    db_session.commit()
    person = make_user(client=business, email="robin@example.org")
    reset.request_link(db_session, config, business, "robin@example.org", now=NOW)
    link_id = db_session.scalars(select(PasswordResetLink.id)).one()
    database = get_db(app)
    won: list[str] = []

    def submit(i):
        with database.session() as session:
            client = session.get(type(business), business.id)
            reset.reset_password(session, config, client, link_id, CHOICES[i], CHOICES[i], now=NOW)
            won.append(CHOICES[i])

    run_at_once(2, submit, expected=(reset.LinkUnusable,))

    assert len(won) == 1
    db_session.rollback()
    user = db_session.get(User, person.id)
    db_session.refresh(user)
    assert verify_password(won[0], user.password_hash, config.password_pepper)
    assert user.session_version == 2
    link = db_session.get(PasswordResetLink, link_id)
    assert link.used_at == NOW
    resets = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.password_reset")
    ).all()
    assert len(resets) == 1
