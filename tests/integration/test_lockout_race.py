"""Twenty parallel wrong passwords on PostgreSQL lock the account exactly once."""

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.db import get_db
from app.models import LoginAttempt, LoginOutcome, User
from app.services.signin import Attempt, SignInFailed, sign_in

pytestmark = pytest.mark.postgres
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_parallel_wrong_passwords_lock_exactly_once_without_skipping_the_threshold(
    app, config, make_user, db_session
):
    user = make_user()
    client = user.client  # loaded here: threads touch the database only after the barrier
    database = get_db(app)
    barrier = threading.Barrier(20)
    errors = []

    def guess(i):
        barrier.wait(timeout=30)
        with database.session() as session:
            try:
                sign_in(
                    session,
                    config,
                    client,
                    Attempt(user.email, f"wrong {i}", "127.0.0.1", "t"),
                    now=NOW,
                )
            except SignInFailed:
                pass
            except Exception as error:  # reported below
                errors.append(error)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    outcomes = db_session.scalars(select(LoginAttempt.outcome)).all()
    assert outcomes.count(LoginOutcome.WRONG_PASSWORD) == 5
    assert outcomes.count(LoginOutcome.LOCKED) == 15
    locked = db_session.scalars(select(User).where(User.id == user.id)).one()
    db_session.refresh(locked)
    assert locked.locked_at is not None and locked.failed_attempts == 5
    assert locked.session_version == 2
