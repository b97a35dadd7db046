"""Twenty parallel wrong codes on PostgreSQL lock the account exactly once, at the threshold."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db import get_db
from app.models import LoginAttempt, LoginOutcome, User
from app.services.second_factor import CodeAttempt, CodeRefused, SignInAgain, complete_sign_in
from app.services.signin import SecondFactorNeeded
from tests.concurrency import run_at_once
from tests.second_factor import START, enable_second_factor

pytestmark = pytest.mark.postgres
NOW = START + timedelta(days=1)


def test_parallel_wrong_codes_lock_exactly_once_without_skipping_the_threshold(
    app, config, make_user, db_session
):
    user = make_user()
    enable_second_factor(db_session, config, user)
    client = user.client  # loaded here: threads touch the database only after the barrier
    version = user.session_version
    pending = SecondFactorNeeded(user.id, version)
    database = get_db(app)

    def guess(i):
        with database.session() as session:
            attempt = CodeAttempt(f"{i:06d}", "127.0.0.1", "t")
            complete_sign_in(session, config, client, pending, attempt, now=NOW)

    run_at_once(20, guess, expected=(CodeRefused, SignInAgain))
    outcomes = db_session.scalars(select(LoginAttempt.outcome)).all()
    assert outcomes.count(LoginOutcome.MFA_FAILED) == 5
    assert outcomes.count(LoginOutcome.LOCKED) == 15
    db_session.expire_all()
    locked = db_session.get(User, user.id)
    assert locked.failed_attempts == 5 and locked.session_version == version + 1
