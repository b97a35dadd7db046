"""Sign-in: every attempt logged, lockout at the threshold, one answer for every failure."""

import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.models import LoginAttempt, LoginOutcome, SecurityPolicyRow
from app.services import signin
from app.services.signin import Attempt, SignInFailed, sign_in
from tests.factories import DEFAULT_PASSWORD

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def attempt(user=None, password=DEFAULT_PASSWORD, email=None):
    return Attempt(
        email=email or user.email,
        password=password,
        ip_address="203.0.113.7",
        user_agent="Mozilla/5.0 (test)",
    )


def log(db_session):
    db_session.expire_all()
    return db_session.scalars(select(LoginAttempt).order_by(LoginAttempt.attempted_at)).all()


def test_a_correct_password_signs_in_and_is_logged_as_success(db_session, config, make_user):
    user = make_user()
    result = sign_in(db_session, config, user.client, attempt(user), now=NOW)
    assert result.user.id == user.id and not result.must_change_password
    [entry] = log(db_session)
    assert (entry.outcome, entry.user_id, entry.ip_address) == (
        LoginOutcome.SUCCESS,
        user.id,
        "203.0.113.7",
    )
    assert entry.attempted_at == NOW and entry.user_agent == "Mozilla/5.0 (test)"


def test_wrong_password_and_unknown_account_fail_alike_but_are_logged_apart(
    db_session, config, make_user
):
    user = make_user()
    with pytest.raises(SignInFailed) as wrong:
        sign_in(db_session, config, user.client, attempt(user, "not it at all"), now=NOW)
    with pytest.raises(SignInFailed) as unknown:
        sign_in(db_session, config, user.client, attempt(email="who@example.org"), now=NOW)
    assert str(wrong.value) == str(unknown.value)
    assert [(e.outcome, e.user_id) for e in log(db_session)] == [
        (LoginOutcome.WRONG_PASSWORD, user.id),
        (LoginOutcome.UNKNOWN_ACCOUNT, None),
    ]


def test_every_path_costs_exactly_one_password_check(db_session, config, make_user, monkeypatch):
    user = make_user()
    calls = []
    real = signin.verify_password
    monkeypatch.setattr(signin, "verify_password", lambda *a: calls.append(1) or real(*a))
    for case in (attempt(user), attempt(user, "wrong password!"), attempt(email="x@example.org")):
        with contextlib.suppress(SignInFailed):
            sign_in(db_session, config, user.client, case, now=NOW)
    assert len(calls) == 3


def test_the_password_never_reaches_the_log(db_session, config, make_user):
    user = make_user()
    secret = "my-very-secret-guess-123"
    with pytest.raises(SignInFailed):
        sign_in(db_session, config, user.client, attempt(user, secret), now=NOW)
    for entry in log(db_session):
        assert secret not in repr(vars(entry))


def test_the_threshold_locks_and_a_locked_account_refuses_even_the_right_password(
    db_session, config, make_user
):
    user = make_user()
    version = user.session_version
    for i in range(5):
        with pytest.raises(SignInFailed):
            sign_in(
                db_session,
                config,
                user.client,
                attempt(user, "wrong guess!"),
                now=NOW + timedelta(seconds=i),
            )
    with pytest.raises(SignInFailed):
        sign_in(db_session, config, user.client, attempt(user), now=NOW + timedelta(minutes=1))
    outcomes = [e.outcome for e in log(db_session)]
    assert outcomes == [LoginOutcome.WRONG_PASSWORD] * 5 + [LoginOutcome.LOCKED]
    db_session.refresh(user)
    assert user.locked_at is not None and user.session_version == version + 1
    # After the default 15 minutes the right password works again.
    sign_in(db_session, config, user.client, attempt(user), now=NOW + timedelta(minutes=16))


def test_the_clients_own_threshold_applies(db_session, config, make_user):
    user = make_user()
    db_session.add(SecurityPolicyRow(client_id=user.client_id, lockout_threshold=3))
    db_session.commit()
    for i in range(3):
        with pytest.raises(SignInFailed):
            sign_in(
                db_session,
                config,
                user.client,
                attempt(user, "wrong guess!"),
                now=NOW + timedelta(seconds=i),
            )
    db_session.refresh(user)
    assert user.locked_at == NOW + timedelta(seconds=2)


def test_a_deactivated_account_is_refused_and_logged_as_inactive(db_session, config, make_user):
    user = make_user(is_active=False)
    with pytest.raises(SignInFailed):
        sign_in(db_session, config, user.client, attempt(user), now=NOW)
    assert [e.outcome for e in log(db_session)] == [LoginOutcome.INACTIVE]


def test_an_expired_password_signs_in_only_to_change_it(db_session, config, make_user):
    user = make_user(password_changed_at=NOW - timedelta(days=100))
    db_session.add(SecurityPolicyRow(client_id=user.client_id, max_age_days=90))
    db_session.commit()
    result = sign_in(db_session, config, user.client, attempt(user), now=NOW)
    assert result.must_change_password
    assert [e.outcome for e in log(db_session)] == [LoginOutcome.EXPIRED_PASSWORD]


def test_the_last_week_before_expiry_warns(db_session, config, make_user):
    user = make_user(password_changed_at=NOW - timedelta(days=85))
    db_session.add(SecurityPolicyRow(client_id=user.client_id, max_age_days=90))
    db_session.commit()
    result = sign_in(db_session, config, user.client, attempt(user), now=NOW)
    assert result.password_expires_at == NOW + timedelta(days=5)


def test_a_hash_of_an_old_cost_is_upgraded_on_sign_in(db_session, config, make_user):
    user = make_user()
    stronger = config.with_overrides(bcrypt_cost=5)
    sign_in(db_session, stronger, user.client, attempt(user), now=NOW)
    db_session.refresh(user)
    assert user.password_hash.startswith("$2b$05$")


def test_a_saved_policy_is_read_again_after_the_settings_change(db_session, make_user):
    from app.models import Role
    from app.scope import Scope
    from app.services.client_policy import client_policy
    from app.services.security_settings import save_settings

    admin = make_user(role=Role.CLIENT_ADMIN)
    assert client_policy(db_session, admin.client_id).password.min_length == 12
    save_settings(db_session, Scope(admin.client_id), {"min_length": "16"}, actor=admin)
    assert client_policy(db_session, admin.client_id).password.min_length == 16
