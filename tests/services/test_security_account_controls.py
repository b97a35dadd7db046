"""An administrator's levers on accounts, and what the security pages read about them."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.errors import AccessDenied, NotFound
from app.models import LoginOutcome, SessionEndReason, User, UserSession
from app.services import account_controls
from app.services.account_security import account_overview, locked_accounts
from tests.services.security_setup import WHEN, make_attempt, open_session
from tests.services.staff_setup import fresh, make_office

LOCKED = {"failed_attempts": 5, "first_failure_at": WHEN - timedelta(minutes=5)}


@pytest.fixture
def office(make_client, make_user, make_service):
    return make_office(make_client, make_user, make_service)


@pytest.fixture
def stranger(make_client, make_user):
    """A customer of another client, signed in."""
    return make_user(client=make_client())


def reload(session, user) -> User:
    fresh(session)
    return session.get(User, user.id)


def open_rows(session, user) -> list[UserSession]:
    fresh(session)
    stmt = select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    return list(session.scalars(stmt))


def test_only_locks_in_force_are_listed(db_session, office, make_user, make_client):
    until_unlocked = make_user(client=office.client, locked_at=WHEN, locked_until=None, **LOCKED)
    for_a_while = make_user(
        client=office.client, locked_at=WHEN, locked_until=WHEN + timedelta(minutes=15), **LOCKED
    )
    make_user(client=office.client, locked_at=WHEN, locked_until=WHEN - timedelta(seconds=1))
    make_user(client=make_client(), locked_at=WHEN, locked_until=None)
    listed = locked_accounts(db_session, office.scope, now=WHEN)
    assert {u.id for u in listed.users} == {until_unlocked.id, for_a_while.id}


def test_unlocking_clears_the_lock_and_the_count(db_session, office, make_user):
    user = make_user(client=office.client, locked_at=WHEN, locked_until=None, **LOCKED)
    account_controls.unlock(db_session, office.scope, user.id, actor=office.admin)
    user = reload(db_session, user)
    assert (user.locked_at, user.locked_until, user.failed_attempts, user.first_failure_at) == (
        None,
        None,
        0,
        None,
    )
    assert locked_accounts(db_session, office.scope, now=WHEN).users == []


def test_requiring_a_new_password_flags_the_account_and_ends_its_sessions(db_session, office):
    open_session(db_session, office.staff)
    open_session(db_session, office.staff)
    version = office.staff.session_version
    account_controls.require_new_password(
        db_session, office.scope, office.staff.id, actor=office.admin, now=WHEN
    )
    staff = reload(db_session, office.staff)
    assert staff.must_change_password and staff.session_version == version + 1
    assert open_rows(db_session, staff) == []
    ended = db_session.scalars(select(UserSession).where(UserSession.user_id == staff.id)).all()
    assert {row.end_reason for row in ended} == {SessionEndReason.REVOKED}


def test_signing_out_everywhere_ends_every_session_and_nothing_else(db_session, office):
    open_session(db_session, office.staff)
    open_session(db_session, office.admin)
    account_controls.sign_out_everywhere(
        db_session, office.scope, office.staff.id, actor=office.admin, now=WHEN
    )
    assert open_rows(db_session, office.staff) == []
    assert len(open_rows(db_session, office.admin)) == 1
    assert not reload(db_session, office.staff).must_change_password


def test_new_passwords_for_everyone_reach_every_account_of_the_client_only(
    db_session, office, make_user, stranger
):
    customer = make_user(client=office.client)
    open_session(db_session, stranger)
    count = account_controls.require_new_passwords_for_everyone(
        db_session, office.scope, actor=office.admin, now=WHEN
    )
    assert count == 3
    for user in (office.admin, office.staff, customer):
        assert reload(db_session, user).must_change_password
    assert not reload(db_session, stranger).must_change_password
    assert len(open_rows(db_session, stranger)) == 1


def test_another_clients_account_is_not_found_and_untouched(db_session, office, stranger):
    open_session(db_session, stranger)
    for act in (
        lambda: account_controls.unlock(db_session, office.scope, stranger.id, actor=office.admin),
        lambda: account_controls.require_new_password(
            db_session, office.scope, stranger.id, actor=office.admin, now=WHEN
        ),
        lambda: account_controls.sign_out_everywhere(
            db_session, office.scope, stranger.id, actor=office.admin, now=WHEN
        ),
        lambda: account_overview(db_session, office.scope, stranger.id, now=WHEN),
    ):
        with pytest.raises(NotFound):
            act()
    after = reload(db_session, stranger)
    assert not after.must_change_password and after.session_version == 1
    assert len(open_rows(db_session, stranger)) == 1


def test_staff_cannot_use_the_levers(db_session, office):
    for act in (
        lambda: account_controls.unlock(
            db_session, office.scope, office.admin.id, actor=office.staff
        ),
        lambda: account_controls.require_new_password(
            db_session, office.scope, office.admin.id, actor=office.staff, now=WHEN
        ),
        lambda: account_controls.sign_out_everywhere(
            db_session, office.scope, office.admin.id, actor=office.staff, now=WHEN
        ),
        lambda: account_controls.require_new_passwords_for_everyone(
            db_session, office.scope, actor=office.staff, now=WHEN
        ),
    ):
        with pytest.raises(AccessDenied):
            act()
    assert not reload(db_session, office.admin).must_change_password


def test_the_overview_shows_the_last_sign_in_and_the_latest_attempts(db_session, office):
    staff = office.staff
    make_attempt(db_session, office.client, staff, at=WHEN - timedelta(days=2))
    make_attempt(db_session, office.client, staff, at=WHEN, outcome=LoginOutcome.WRONG_PASSWORD)
    overview = account_overview(db_session, office.scope, staff.id, now=WHEN)
    assert overview.last_signed_in_at == WHEN - timedelta(days=2)
    assert [e.outcome for e in overview.recent] == [
        LoginOutcome.WRONG_PASSWORD,
        LoginOutcome.SUCCESS,
    ]
    assert not overview.locked
