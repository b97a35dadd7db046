"""Twenty parallel wrong passwords on PostgreSQL lock the account exactly once."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.db import get_db
from app.models import LoginAttempt, LoginOutcome, User
from app.services.signin import Attempt, SignInFailed, sign_in
from tests.concurrency import run_at_once

pytestmark = pytest.mark.postgres
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_parallel_wrong_passwords_lock_exactly_once_without_skipping_the_threshold(
    app, config, make_user, db_session
):
    user = make_user()
    client = user.client  # loaded here: threads touch the database only after the barrier
    database = get_db(app)

    def guess(i):
        with database.session() as session:
            attempt = Attempt(user.email, f"wrong {i}", "127.0.0.1", "t")
            sign_in(session, config, client, attempt, now=NOW)

    run_at_once(20, guess, expected=(SignInFailed,))
    outcomes = db_session.scalars(select(LoginAttempt.outcome)).all()
    assert outcomes.count(LoginOutcome.WRONG_PASSWORD) == 5
    assert outcomes.count(LoginOutcome.LOCKED) == 15
    locked = db_session.scalars(select(User).where(User.id == user.id)).one()
    db_session.refresh(locked)
    assert locked.locked_at is not None and locked.failed_attempts == 5
    assert locked.session_version == 2
