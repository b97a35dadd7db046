"""Signing in with a second factor: the code step is logged and locked out like the password."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import LoginAttempt, LoginOutcome, RecoveryCode, SecurityPolicyRow
from app.services.second_factor import CodeAttempt, CodeRefused, SignInAgain, complete_sign_in
from app.services.signin import Attempt, SecondFactorNeeded, SignedIn, SignInFailed, sign_in
from tests.factories import DEFAULT_PASSWORD
from tests.second_factor import START, app_code, enable_second_factor

NOW = START + timedelta(days=1)


def password(user, typed=DEFAULT_PASSWORD):
    return Attempt(user.email, typed, "203.0.113.7", "Mozilla/5.0 (test)")


def code(typed):
    return CodeAttempt(typed, "203.0.113.7", "Mozilla/5.0 (test)")


def outcomes(db_session):
    db_session.expire_all()
    stmt = select(LoginAttempt.outcome).order_by(LoginAttempt.attempted_at)
    return list(db_session.scalars(stmt))


@pytest.fixture
def member(db_session, config, make_user):
    user = make_user()
    enable_second_factor(db_session, config, user)
    return user


def first_step(db_session, config, user, now=NOW):
    result = sign_in(db_session, config, user.client, password(user), now=now)
    assert isinstance(result, SecondFactorNeeded)
    return result


def test_a_right_password_asks_for_a_code_and_signs_nobody_in_yet(db_session, config, member):
    result = first_step(db_session, config, member)
    assert result.user_id == member.id and result.session_version == member.session_version
    assert outcomes(db_session) == []


def test_the_right_code_completes_the_sign_in_and_is_logged_once_as_success(
    db_session, config, member
):
    pending = first_step(db_session, config, member)
    done = complete_sign_in(
        db_session, config, member.client, pending, code(app_code(NOW)), now=NOW
    )
    assert isinstance(done.signed_in, SignedIn) and done.signed_in.user.id == member.id
    assert done.recovery_codes_left is None
    [entry] = db_session.scalars(select(LoginAttempt)).all()
    assert (entry.outcome, entry.user_id, entry.ip_address) == (
        LoginOutcome.SUCCESS,
        member.id,
        "203.0.113.7",
    )


def test_a_code_cannot_be_used_twice(db_session, config, member):
    pending = first_step(db_session, config, member)
    complete_sign_in(db_session, config, member.client, pending, code(app_code(NOW)), now=NOW)
    later = NOW + timedelta(seconds=10)
    again = first_step(db_session, config, member, now=later)
    with pytest.raises(CodeRefused):
        complete_sign_in(db_session, config, member.client, again, code(app_code(NOW)), now=later)
    assert outcomes(db_session) == [LoginOutcome.SUCCESS, LoginOutcome.MFA_FAILED]


def test_a_wrong_code_is_logged_and_counted_like_a_wrong_password(db_session, config, member):
    pending = first_step(db_session, config, member)
    wrong = "000000" if app_code(NOW) != "000000" else "111111"
    with pytest.raises(CodeRefused):
        complete_sign_in(db_session, config, member.client, pending, code(wrong), now=NOW)
    assert outcomes(db_session) == [LoginOutcome.MFA_FAILED]
    db_session.refresh(member)
    assert member.failed_attempts == 1


def test_wrong_codes_lock_the_account_at_the_threshold(db_session, config, member):
    version = member.session_version
    pending = first_step(db_session, config, member)
    for _ in range(4):
        with pytest.raises(CodeRefused):
            complete_sign_in(
                db_session, config, member.client, pending, code("not a code"), now=NOW
            )
    with pytest.raises(SignInAgain):
        complete_sign_in(db_session, config, member.client, pending, code("not a code"), now=NOW)
    db_session.refresh(member)
    assert member.locked_at == NOW and member.session_version == version + 1
    # Locked: even the right password and a fresh code get nowhere now.
    with pytest.raises(SignInFailed):
        sign_in(db_session, config, member.client, password(member), now=NOW)
    assert outcomes(db_session) == [LoginOutcome.MFA_FAILED] * 5 + [LoginOutcome.LOCKED]


def test_the_code_page_of_a_sign_in_voided_by_the_lock_answers_sign_in_again(
    db_session, config, member
):
    db_session.add(SecurityPolicyRow(client_id=member.client_id, lockout_threshold=3))
    db_session.commit()
    pending = first_step(db_session, config, member)
    for attempt_number in range(3):
        with pytest.raises(CodeRefused if attempt_number < 2 else SignInAgain):
            complete_sign_in(db_session, config, member.client, pending, code("999 999"), now=NOW)
    with pytest.raises(SignInAgain):
        complete_sign_in(db_session, config, member.client, pending, code(app_code(NOW)), now=NOW)
    assert outcomes(db_session) == [LoginOutcome.MFA_FAILED] * 3 + [LoginOutcome.LOCKED]


def test_a_right_password_does_not_reset_the_count_of_wrong_codes(db_session, config, member):
    pending = first_step(db_session, config, member)
    for _ in range(4):
        with pytest.raises(CodeRefused):
            complete_sign_in(db_session, config, member.client, pending, code("123 000"), now=NOW)
    pending = first_step(db_session, config, member)  # knowing the password buys no guesses
    with pytest.raises(SignInAgain):
        complete_sign_in(db_session, config, member.client, pending, code("123 000"), now=NOW)
    db_session.refresh(member)
    assert member.locked_at is not None


def test_wrong_passwords_and_wrong_codes_count_together(db_session, config, member):
    for _ in range(3):
        with pytest.raises(SignInFailed):
            sign_in(db_session, config, member.client, password(member, "wrong guess"), now=NOW)
    pending = first_step(db_session, config, member)
    with pytest.raises(CodeRefused):
        complete_sign_in(db_session, config, member.client, pending, code("123 000"), now=NOW)
    with pytest.raises(SignInAgain):
        complete_sign_in(db_session, config, member.client, pending, code("123 000"), now=NOW)
    db_session.refresh(member)
    assert member.locked_at is not None


def test_a_right_code_clears_the_count(db_session, config, member):
    pending = first_step(db_session, config, member)
    with pytest.raises(CodeRefused):
        complete_sign_in(db_session, config, member.client, pending, code("123 000"), now=NOW)
    complete_sign_in(db_session, config, member.client, pending, code(app_code(NOW)), now=NOW)
    db_session.refresh(member)
    assert member.failed_attempts == 0


def test_a_recovery_code_signs_in_once_and_says_how_many_are_left(db_session, config, make_user):
    user = make_user()
    codes = enable_second_factor(db_session, config, user)
    pending = first_step(db_session, config, user)
    done = complete_sign_in(
        db_session, config, user.client, pending, code(codes[0].lower()), now=NOW
    )
    assert done.recovery_codes_left == 9
    with pytest.raises(CodeRefused):
        complete_sign_in(db_session, config, user.client, pending, code(codes[0]), now=NOW)
    used = db_session.scalars(select(RecoveryCode).where(RecoveryCode.used_at.is_not(None))).all()
    assert [row.used_at for row in used] == [NOW]
    assert outcomes(db_session) == [LoginOutcome.SUCCESS, LoginOutcome.MFA_FAILED]


def test_another_persons_recovery_code_does_not_work(db_session, config, make_user, member):
    other = make_user(client=member.client)
    their_codes = enable_second_factor(db_session, config, other)
    pending = first_step(db_session, config, member)
    with pytest.raises(CodeRefused):
        complete_sign_in(db_session, config, member.client, pending, code(their_codes[0]), now=NOW)


def test_signing_out_everywhere_voids_a_half_finished_sign_in(db_session, config, member):
    pending = first_step(db_session, config, member)
    member.session_version += 1
    db_session.commit()
    with pytest.raises(SignInAgain):
        complete_sign_in(db_session, config, member.client, pending, code(app_code(NOW)), now=NOW)
    assert outcomes(db_session) == []


def test_a_half_finished_sign_in_does_not_carry_to_another_client(
    db_session, config, member, make_client
):
    pending = first_step(db_session, config, member)
    with pytest.raises(SignInAgain):
        complete_sign_in(db_session, config, make_client(), pending, code(app_code(NOW)), now=NOW)


def test_an_expired_password_with_a_second_factor_signs_in_only_to_change_it(
    db_session, config, member
):
    member.must_change_password = True
    db_session.commit()
    pending = first_step(db_session, config, member)
    done = complete_sign_in(
        db_session, config, member.client, pending, code(app_code(NOW)), now=NOW
    )
    assert done.signed_in.must_change_password
    assert outcomes(db_session) == [LoginOutcome.EXPIRED_PASSWORD]


def test_an_account_without_a_second_factor_signs_in_with_the_password_alone(
    db_session, config, make_user
):
    user = make_user()
    result = sign_in(db_session, config, user.client, password(user), now=NOW)
    assert isinstance(result, SignedIn)
