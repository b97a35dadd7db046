"""One-time codes: RFC 6238 steps, one step of tolerance, no replays; single-use recovery codes."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

import pyotp
import pytest

from auth import totp
from auth.mfa_rules import PENDING_SIGN_IN_LIMIT, second_factor_required, still_valid

#: The RFC 6238 test secret ("12345678901234567890" in base32).
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#: The start of a 30-second step: 2031-03-03 10:00:00 UTC.
STEP_START = datetime(2031, 3, 3, 10, 0, tzinfo=UTC)
KEY = totp.recovery_key(b"p" * 32)


def code(when: datetime, secret: str = RFC_SECRET) -> str:
    return pyotp.TOTP(secret).at(when)


def test_codes_match_the_rfc_6238_test_vectors():
    # RFC 6238 appendix B, SHA-1, last six of the eight digits.
    assert totp.code_at(RFC_SECRET, 59 // 30) == "287082"
    assert totp.code_at(RFC_SECRET, 1111111109 // 30) == "081804"
    assert totp.code_at(RFC_SECRET, 2000000000 // 30) == "279037"


def test_a_step_runs_from_its_first_second_to_its_thirtieth():
    assert totp.time_step(STEP_START) == totp.time_step(STEP_START + timedelta(seconds=29.999))
    assert totp.time_step(STEP_START + timedelta(seconds=30)) == totp.time_step(STEP_START) + 1
    assert totp.time_step(STEP_START - timedelta(microseconds=1)) == totp.time_step(STEP_START) - 1


def test_the_step_of_a_time_in_another_zone_is_that_of_the_same_instant():
    elsewhere = STEP_START.astimezone(ZoneInfo("Asia/Kolkata"))  # a half-hour offset
    assert totp.time_step(elsewhere) == totp.time_step(STEP_START)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        totp.time_step(datetime(2031, 3, 3, 10, 0))


def test_the_current_code_is_accepted_and_its_step_returned():
    step = totp.matching_step(RFC_SECRET, code(STEP_START), now=STEP_START, last_step=None)
    assert step == totp.time_step(STEP_START)


def test_one_step_either_side_is_accepted_at_the_step_boundaries():
    now = STEP_START
    previous = code(now - timedelta(seconds=1))  # the step that ended a second ago
    following = code(now + timedelta(seconds=30))
    assert totp.matching_step(RFC_SECRET, previous, now=now, last_step=None) == (
        totp.time_step(now) - 1
    )
    assert totp.matching_step(RFC_SECRET, following, now=now, last_step=None) == (
        totp.time_step(now) + 1
    )


def test_two_steps_away_is_refused():
    now = STEP_START + timedelta(seconds=15)
    assert (
        totp.matching_step(RFC_SECRET, code(now - timedelta(seconds=60)), now=now, last_step=None)
        is None
    )
    assert (
        totp.matching_step(RFC_SECRET, code(now + timedelta(seconds=60)), now=now, last_step=None)
        is None
    )


def test_the_last_second_of_a_step_still_accepts_the_step_before():
    now = STEP_START + timedelta(seconds=29)
    old = code(STEP_START - timedelta(seconds=30))
    assert totp.matching_step(RFC_SECRET, old, now=now, last_step=None) == totp.time_step(now) - 1
    assert (
        totp.matching_step(RFC_SECRET, old, now=now + timedelta(seconds=1), last_step=None) is None
    )


def test_a_code_already_used_is_refused_the_second_time():
    first = totp.matching_step(RFC_SECRET, code(STEP_START), now=STEP_START, last_step=None)
    again = totp.matching_step(
        RFC_SECRET, code(STEP_START), now=STEP_START + timedelta(seconds=5), last_step=first
    )
    assert first is not None and again is None


def test_an_older_code_is_refused_once_a_newer_one_was_used():
    now = STEP_START
    newer_step = totp.time_step(now) + 1
    older = code(now)
    assert totp.matching_step(RFC_SECRET, older, now=now, last_step=newer_step) is None


def test_the_next_code_is_accepted_after_the_last_one():
    last = totp.time_step(STEP_START)
    later = STEP_START + timedelta(seconds=30)
    assert totp.matching_step(RFC_SECRET, code(later), now=later, last_step=last) == last + 1


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "12 34 5x", "１２３４５６"])
def test_anything_but_six_digits_is_refused(typed):
    assert totp.matching_step(RFC_SECRET, typed, now=STEP_START, last_step=None) is None


def test_spaces_in_a_typed_code_are_ignored():
    typed = code(STEP_START)
    spaced = f" {typed[:3]} {typed[3:]} "
    assert totp.matching_step(RFC_SECRET, spaced, now=STEP_START, last_step=None) is not None


def test_a_new_secret_is_160_random_bits_in_base32():
    secrets = {totp.new_secret() for _ in range(20)}
    assert len(secrets) == 20
    assert all(len(s) == 32 and set(s) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for s in secrets)


def test_the_provisioning_uri_names_the_business_and_the_account():
    uri = totp.provisioning_uri(RFC_SECRET, email="ada@example.org", client_name="Riverside: East")
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc) == ("otpauth", "totp")
    issuer, account = unquote(parts.path[1:]).split(":")
    assert issuer == "SafeSlot – Riverside  East"
    assert account == "ada@example.org"
    query = parse_qs(parts.query)
    assert query["secret"] == [RFC_SECRET] and query["issuer"] == [issuer]


def test_a_platform_account_is_issued_by_safeslot_alone():
    uri = totp.provisioning_uri(RFC_SECRET, email="help@example.org", client_name=None)
    assert unquote(urlsplit(uri).path[1:]) == "SafeSlot:help@example.org"


def test_ten_recovery_codes_of_ten_base32_characters_in_two_groups():
    codes = totp.new_recovery_codes()
    assert len(codes) == 10 == len(set(codes))
    for recovery in codes:
        first, second = recovery.split("-")
        assert len(first) == len(second) == 5
        assert set(first + second) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def test_recovery_codes_are_stored_as_keyed_hashes_never_in_clear():
    recovery = totp.new_recovery_codes(1)[0]
    stored = totp.hash_recovery_code(recovery, KEY)
    assert recovery not in stored and recovery.replace("-", "") not in stored
    assert len(stored) == 64
    assert stored != totp.hash_recovery_code(recovery, totp.recovery_key(b"q" * 32))


def test_a_recovery_code_is_redeemed_once_and_then_no_longer_matches():
    codes = totp.new_recovery_codes()
    unused = {totp.hash_recovery_code(c, KEY) for c in codes}
    found = totp.redeem_recovery_code(codes[3], unused, KEY)
    assert found == totp.hash_recovery_code(codes[3], KEY)
    unused.discard(found)  # what the caller does: mark it used
    assert totp.redeem_recovery_code(codes[3], unused, KEY) is None
    assert totp.redeem_recovery_code(codes[4], unused, KEY) is not None


def test_a_recovery_code_may_be_typed_without_the_dash_in_any_case():
    recovery = totp.new_recovery_codes(1)[0]
    unused = {totp.hash_recovery_code(recovery, KEY)}
    assert totp.redeem_recovery_code(recovery.replace("-", " ").lower(), unused, KEY) is not None


@pytest.mark.parametrize("typed", ["", "ABCDE", "ABCDE-FGHIJ-K", "ABCDE-FGH10", "123456"])
def test_malformed_recovery_codes_match_nothing(typed):
    unused = {totp.hash_recovery_code(c, KEY) for c in totp.new_recovery_codes()}
    assert totp.redeem_recovery_code(typed, unused, KEY) is None


def test_staff_and_admins_must_use_a_second_factor_only_when_the_client_requires_it():
    assert second_factor_required("staff", required_for_staff=True)
    assert second_factor_required("client_admin", required_for_staff=True)
    assert not second_factor_required("customer", required_for_staff=True)
    assert not second_factor_required("staff", required_for_staff=False)


def test_a_half_finished_sign_in_lasts_five_minutes():
    assert still_valid(
        STEP_START, now=STEP_START + timedelta(minutes=4, seconds=59), limit=PENDING_SIGN_IN_LIMIT
    )
    assert not still_valid(
        STEP_START, now=STEP_START + timedelta(minutes=5), limit=PENDING_SIGN_IN_LIMIT
    )
    assert not still_valid(
        STEP_START, now=STEP_START - timedelta(seconds=1), limit=PENDING_SIGN_IN_LIMIT
    )
