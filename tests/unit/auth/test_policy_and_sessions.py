"""Per-client settings within bounds, password age, and session timeouts."""

from datetime import UTC, datetime, timedelta

import pytest

from auth.password_rules import CharClass
from auth.policy import PolicyInvalid, password_age, policy_from_settings
from auth.session_rules import SessionEnd, SessionRules, expires_at, session_end

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_empty_settings_give_the_documented_defaults():
    policy = policy_from_settings({})
    assert policy.password.min_length == 12
    assert policy.history_depth == 5
    assert policy.max_password_age is None
    assert (policy.lockout.threshold, policy.lockout.window) == (5, timedelta(minutes=15))
    assert policy.lockout.duration == timedelta(minutes=15)
    assert policy.sessions.staff_idle == timedelta(minutes=15)
    assert policy.sessions.customer_idle == timedelta(minutes=30)
    assert policy.sessions.absolute == timedelta(hours=12)


def test_settings_within_bounds_are_taken():
    policy = policy_from_settings(
        {
            "min_length": "16",
            "max_age_days": "90",
            "lockout_minutes": "30",
            "required_classes": ["digit"],
            "mfa_required_for_staff": True,
        }
    )
    assert policy.password.min_length == 16
    assert policy.password.required_classes == {CharClass.DIGIT}
    assert policy.max_password_age == timedelta(days=90)
    assert policy.lockout.duration == timedelta(minutes=30)
    assert policy.mfa_required_for_staff


def test_emptied_optional_settings_are_off_and_emptied_required_ones_are_refused():
    policy = policy_from_settings({"lockout_minutes": "", "max_age_days": " "})
    assert policy.lockout.duration is None and policy.max_password_age is None
    with pytest.raises(PolicyInvalid) as invalid:
        policy_from_settings({"min_length": ""})
    assert "enter a whole number" in invalid.value.errors["min_length"]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("min_length", "7", "Minimum password length: choose from 8 to 64."),
        ("min_length", "65", "Minimum password length: choose from 8 to 64."),
        ("history_depth", "25", "choose from 0 to 24"),
        ("max_age_days", "29", "choose from 30 to 365"),
        ("lockout_threshold", "2", "choose from 3 to 20"),
        ("lockout_minutes", "1441", "choose from 1 to 1440"),
        ("staff_idle_minutes", "4", "choose from 5 to 60"),
        ("customer_idle_minutes", "61", "choose from 5 to 60"),
        ("min_length", "twelve", "enter a whole number"),
        ("required_classes", ["emoji"], "choose from the list"),
    ],
)
def test_out_of_bounds_settings_name_the_field_and_the_range(name, value, message):
    with pytest.raises(PolicyInvalid) as invalid:
        policy_from_settings({name: value})
    assert message in invalid.value.errors[name]


def test_every_bad_field_is_reported_together():
    with pytest.raises(PolicyInvalid) as invalid:
        policy_from_settings({"min_length": "1", "history_depth": "99"})
    assert set(invalid.value.errors) == {"min_length", "history_depth"}


def test_without_a_maximum_age_a_password_never_expires():
    age = password_age(NOW - timedelta(days=3000), now=NOW, max_age=None)
    assert not age.expired and not age.warn


def test_a_password_warns_in_its_last_week_and_then_expires():
    changed = NOW - timedelta(days=84)
    assert password_age(changed, now=NOW, max_age=timedelta(days=90)).warn
    assert not password_age(changed, now=NOW, max_age=timedelta(days=90)).expired
    assert password_age(changed, now=NOW + timedelta(days=6), max_age=timedelta(days=90)).expired


def test_an_admin_can_force_a_change_at_next_sign_in():
    assert password_age(NOW, now=NOW, max_age=None, forced=True).expired


RULES = SessionRules()


def test_a_staff_session_ends_after_fifteen_idle_minutes_and_a_customers_after_thirty():
    seen = NOW - timedelta(minutes=16)
    assert (
        session_end(started_at=seen, last_seen_at=seen, now=NOW, rules=RULES, is_staff=True)
        is SessionEnd.IDLE
    )
    assert (
        session_end(started_at=seen, last_seen_at=seen, now=NOW, rules=RULES, is_staff=False)
        is None
    )


def test_an_active_session_still_ends_at_its_absolute_lifetime():
    started = NOW - timedelta(hours=12)
    end = session_end(started_at=started, last_seen_at=NOW, now=NOW, rules=RULES, is_staff=False)
    assert end is SessionEnd.ABSOLUTE


def test_expiry_is_the_earlier_of_idle_and_absolute():
    started = NOW - timedelta(hours=11, minutes=50)
    assert expires_at(started_at=started, last_seen_at=NOW, rules=RULES, is_staff=False) == (
        started + timedelta(hours=12)
    )
