"""When an account locks, its owner gets one e-mail saying so, and nothing they do not need."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.db import utcnow
from app.models.outbox import OutboxMessage
from app.services.signin import Attempt, SignInFailed, sign_in
from tests.mail_server import running_mail_server, with_mail_server
from tests.services.reminders_setup import sweep_messages

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
WRONG = "wrong guess, again"


@pytest.fixture
def mail_server():
    with running_mail_server() as server:
        yield server


@pytest.fixture
def config(config, mail_server):
    return with_mail_server(config, mail_server)


def fail(db_session, config, user, times, start=NOW):
    for i in range(times):
        with pytest.raises(SignInFailed):
            sign_in(
                db_session,
                config,
                user.client,
                Attempt(
                    email=user.email,
                    password=WRONG,
                    ip_address="203.0.113.7",
                    user_agent="Mozilla/5.0 (test)",
                ),
                now=start + timedelta(seconds=i),
            )


def queued(db_session):
    return db_session.scalar(select(func.count()).select_from(OutboxMessage))


def test_an_account_that_locks_gets_one_notice(
    app, db_session, config, make_client, make_user, mail_server
):
    client = make_client(name="Harbour Clinic", timezone="Europe/Dublin")
    user = make_user(client=client, email="sam@example.org")
    fail(db_session, config, user, 4)
    assert queued(db_session) == 0
    fail(db_session, config, user, 3, start=NOW + timedelta(minutes=1))  # locks, then refused
    assert queued(db_session) == 1

    sweep_messages(app, db_session, utcnow())
    [message] = mail_server.messages
    assert message["To"] == "sam@example.org"
    assert message["Subject"] == "Your Harbour Clinic account was locked"
    text = message.get_body(("plain",)).get_content()
    # Locked at 12:01 UTC for the default 15 minutes: 12:16 in Dublin (UTC in winter).
    assert "Sunday 22 November 2026, 12:16 (Europe/Dublin)" in text
    assert f"/c/{client.slug}/signin" in text
    for detail in ("203.0.113", WRONG, "Mozilla"):
        assert detail not in message.as_string()
    # Nor how many guesses there were: that would tell a reader of the mailbox too much.
    assert not re.search(r"\b\d+ (failed|wrong|unsuccessful)", text)


def test_an_account_locked_until_an_admin_unlocks_says_so(
    app, db_session, config, make_user, mail_server
):
    from app.models import SecurityPolicyRow

    user = make_user()
    policy = SecurityPolicyRow(client_id=user.client_id, lockout_threshold=3)
    db_session.add(policy)
    db_session.commit()
    policy.lockout_minutes = None  # until an administrator unlocks
    db_session.commit()
    fail(db_session, config, user, 3)
    sweep_messages(app, db_session, utcnow())
    [message] = mail_server.messages
    assert "administrator" in message.get_body(("plain",)).get_content()
