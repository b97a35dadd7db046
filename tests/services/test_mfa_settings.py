"""One's own second factor: set up, new recovery codes, turned off; each needs the password."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.errors import InvalidInput
from app.models import LoginAttempt, RecoveryCode, Role, SecurityPolicyRow, SessionEndReason
from app.models import UserSession as SessionRow
from app.services import two_factor
from app.services.field_errors import InvalidField
from auth import totp
from tests.factories import DEFAULT_PASSWORD
from tests.second_factor import SECRET, START, app_code, enable_second_factor
from tests.services.security_setup import open_session

NOW = START + timedelta(days=1)


def enrol(db_session, config, user, now=NOW):
    two_factor.start_enrolment(db_session, config, user.id, DEFAULT_PASSWORD)
    db_session.refresh(user)
    secret = user.totp_pending_secret
    new = two_factor.confirm_enrolment(
        db_session, config, user.id, app_code(now, secret), started_at=now, now=now
    )
    return secret, new


def require_for_staff(db_session, client_id):
    db_session.add(SecurityPolicyRow(client_id=client_id, mfa_required_for_staff=True))
    db_session.commit()


def stored_hashes(db_session, user):
    db_session.expire_all()
    return set(
        db_session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id))
    )


def test_setting_up_an_app_turns_it_on_with_ten_recovery_codes_stored_hashed(
    db_session, config, make_user
):
    user = make_user()
    secret, new = enrol(db_session, config, user)
    db_session.refresh(user)
    assert user.totp_secret == secret and user.totp_pending_secret is None
    assert user.totp_enabled_at == NOW and user.has_second_factor
    assert len(new.codes) == 10
    hashes = stored_hashes(db_session, user)
    assert len(hashes) == 10
    assert not any(code in h or code.replace("-", "") in h for code in new.codes for h in hashes)


def test_the_code_that_confirmed_the_app_cannot_be_used_again_to_sign_in(
    db_session, config, make_user
):
    user = make_user()
    enrol(db_session, config, user)
    db_session.refresh(user)
    assert user.totp_last_step == totp.time_step(NOW)


def test_setting_up_needs_the_password(db_session, config, make_user):
    user = make_user()
    with pytest.raises(InvalidField) as refused:
        two_factor.start_enrolment(db_session, config, user.id, "not my password")
    assert refused.value.field == "password"
    db_session.refresh(user)
    assert user.totp_pending_secret is None


def test_a_wrong_reentered_password_is_not_a_failed_sign_in(db_session, config, make_user):
    user = make_user()
    for _ in range(10):
        with pytest.raises(InvalidField):
            two_factor.start_enrolment(db_session, config, user.id, "not my password")
    db_session.refresh(user)
    assert user.failed_attempts == 0 and user.locked_at is None
    assert db_session.scalars(select(LoginAttempt)).all() == []


def test_a_wrong_first_code_leaves_it_off(db_session, config, make_user):
    user = make_user()
    two_factor.start_enrolment(db_session, config, user.id, DEFAULT_PASSWORD)
    with pytest.raises(InvalidField) as refused:
        two_factor.confirm_enrolment(db_session, config, user.id, "000000", started_at=NOW, now=NOW)
    assert refused.value.field == "code"
    db_session.refresh(user)
    assert not user.has_second_factor and user.totp_pending_secret is not None


def test_a_set_up_left_open_too_long_must_start_again(db_session, config, make_user):
    user = make_user()
    two_factor.start_enrolment(db_session, config, user.id, DEFAULT_PASSWORD)
    db_session.refresh(user)
    later = NOW + timedelta(minutes=11)
    with pytest.raises(InvalidInput, match="took too long"):
        two_factor.confirm_enrolment(
            db_session,
            config,
            user.id,
            app_code(later, user.totp_pending_secret),
            started_at=NOW,
            now=later,
        )


def test_a_new_app_replaces_the_old_one_only_once_confirmed(db_session, config, make_user):
    user = make_user()
    enable_second_factor(db_session, config, user)
    two_factor.start_enrolment(db_session, config, user.id, DEFAULT_PASSWORD)
    db_session.refresh(user)
    assert user.totp_secret == SECRET and user.has_second_factor  # the old app still works
    new_secret = user.totp_pending_secret
    two_factor.confirm_enrolment(
        db_session, config, user.id, app_code(NOW, new_secret), started_at=NOW, now=NOW
    )
    db_session.refresh(user)
    assert user.totp_secret == new_secret != SECRET


def test_new_recovery_codes_replace_every_old_one(db_session, config, make_user):
    user = make_user()
    old = enable_second_factor(db_session, config, user)
    before = stored_hashes(db_session, user)
    new = two_factor.regenerate_recovery_codes(
        db_session, config, user.id, DEFAULT_PASSWORD, now=NOW
    )
    after = stored_hashes(db_session, user)
    assert len(new.codes) == len(after) == 10
    assert not before & after and not set(old) & set(new.codes)


def test_new_recovery_codes_need_the_password_and_a_second_factor(db_session, config, make_user):
    user = make_user()
    with pytest.raises(InvalidInput, match="Turn on"):
        two_factor.regenerate_recovery_codes(db_session, config, user.id, DEFAULT_PASSWORD, now=NOW)
    enable_second_factor(db_session, config, user)
    with pytest.raises(InvalidField):
        two_factor.regenerate_recovery_codes(db_session, config, user.id, "guess", now=NOW)


def test_turning_it_off_removes_the_secret_and_the_codes(db_session, config, make_user):
    user = make_user()
    enable_second_factor(db_session, config, user)
    two_factor.turn_off(db_session, config, user.id, DEFAULT_PASSWORD, now=NOW)
    db_session.refresh(user)
    assert not user.has_second_factor and user.totp_secret is None
    assert user.totp_last_step is None and stored_hashes(db_session, user) == set()


def test_turning_off_what_is_off_is_refused_and_signs_nobody_out(db_session, config, make_user):
    user = make_user()
    version = user.session_version
    with pytest.raises(InvalidInput, match="already off"):
        two_factor.turn_off(db_session, config, user.id, DEFAULT_PASSWORD, now=NOW)
    db_session.refresh(user)
    assert user.session_version == version


def test_turning_it_off_needs_the_password(db_session, config, make_user):
    user = make_user()
    enable_second_factor(db_session, config, user)
    with pytest.raises(InvalidField):
        two_factor.turn_off(db_session, config, user.id, "guess", now=NOW)
    db_session.refresh(user)
    assert user.has_second_factor


@pytest.mark.parametrize("role", [Role.STAFF, Role.CLIENT_ADMIN])
def test_staff_cannot_turn_it_off_when_their_client_requires_it(
    db_session, config, make_user, role
):
    user = make_user(role=role)
    enable_second_factor(db_session, config, user)
    require_for_staff(db_session, user.client_id)
    with pytest.raises(InvalidInput, match="requires"):
        two_factor.turn_off(db_session, config, user.id, DEFAULT_PASSWORD, now=NOW)
    db_session.refresh(user)
    assert user.has_second_factor


def test_a_customer_may_turn_it_off_whatever_the_staff_rule(db_session, config, make_user):
    user = make_user(role=Role.CUSTOMER)
    enable_second_factor(db_session, config, user)
    require_for_staff(db_session, user.client_id)
    assert not two_factor.is_required(db_session, user)
    two_factor.turn_off(db_session, config, user.id, DEFAULT_PASSWORD, now=NOW)


@pytest.mark.parametrize("change", ["enrol", "new_codes", "turn_off"])
def test_every_change_ends_every_other_session(db_session, config, make_user, change):
    user = make_user()
    if change != "enrol":
        enable_second_factor(db_session, config, user)
    open_session(db_session, user, at=NOW)
    open_session(db_session, user, at=NOW)
    version = user.session_version
    if change == "enrol":
        enrol(db_session, config, user)
    elif change == "new_codes":
        two_factor.regenerate_recovery_codes(db_session, config, user.id, DEFAULT_PASSWORD, now=NOW)
    else:
        two_factor.turn_off(db_session, config, user.id, DEFAULT_PASSWORD, now=NOW)
    db_session.expire_all()
    rows = db_session.scalars(select(SessionRow).where(SessionRow.user_id == user.id)).all()
    assert [row.end_reason for row in rows] == [SessionEndReason.REVOKED] * 2
    assert db_session.get(type(user), user.id).session_version == version + 1


def test_the_status_says_whether_it_is_on_required_and_how_many_codes_are_left(
    db_session, config, make_user
):
    user = make_user(role=Role.STAFF)
    require_for_staff(db_session, user.client_id)
    assert two_factor.status(db_session, user) == two_factor.TwoFactorStatus(None, True, 0)
    enable_second_factor(db_session, config, user)
    state = two_factor.status(db_session, user)
    assert (state.enabled_at, state.required, state.recovery_codes_left) == (START, True, 10)


def test_the_enrolment_uri_names_the_client_and_the_account(db_session, config, make_user):
    user = make_user()
    two_factor.start_enrolment(db_session, config, user.id, DEFAULT_PASSWORD)
    db_session.refresh(user)
    new_app = two_factor.pending_app(user)
    assert new_app.secret == user.totp_pending_secret
    assert new_app.uri.startswith("otpauth://totp/SafeSlot%20%E2%80%93%20Client%20")
    assert f"secret={new_app.secret}" in new_app.uri
