"""Security settings: saved whole when every value is within bounds, else not at all."""

import pytest

from app.errors import AccessDenied
from app.models import SecurityPolicyRow
from app.services.security_settings import current_settings, default_settings, save_settings
from auth.password_rules import CharClass
from auth.policy import BOUNDS, PolicyInvalid, SecurityPolicy
from tests.services.staff_setup import fresh, make_office

VALID = {
    "min_length": "14",
    "history_depth": "0",
    "max_age_days": "90",
    "lockout_threshold": "3",
    "lockout_window_minutes": "30",
    "lockout_minutes": "60",
    "staff_idle_minutes": "10",
    "customer_idle_minutes": "20",
    "absolute_hours": "8",
    "required_classes": ["digit", "upper"],
    "mfa_required_for_staff": True,
    "self_service_reset": True,
}


@pytest.fixture
def office(make_client, make_user, make_service):
    return make_office(make_client, make_user, make_service)


def stored(session, office) -> dict | None:
    fresh(session)
    row = session.get(SecurityPolicyRow, office.client.id)
    return None if row is None else row.settings()


def test_settings_within_bounds_are_stored_and_become_the_clients_policy(db_session, office):
    policy = save_settings(db_session, office.scope, VALID, actor=office.admin)
    fresh(db_session)
    row = db_session.get(SecurityPolicyRow, office.client.id)
    assert row.policy() == policy
    assert (row.min_length, row.history_depth, row.max_age_days) == (14, 0, 90)
    assert (row.lockout_threshold, row.lockout_window_minutes, row.lockout_minutes) == (3, 30, 60)
    assert (row.staff_idle_minutes, row.customer_idle_minutes, row.absolute_hours) == (10, 20, 8)
    assert row.required_classes == "digit,upper"
    assert row.mfa_required_for_staff and row.self_service_reset


def test_saving_again_changes_the_one_row(db_session, office):
    save_settings(db_session, office.scope, VALID, actor=office.admin)
    save_settings(db_session, office.scope, {**VALID, "min_length": "20"}, actor=office.admin)
    assert stored(db_session, office)["min_length"] == 20


def test_empty_optional_settings_mean_no_expiry_and_locks_held_until_unlocked(db_session, office):
    values = {**VALID, "max_age_days": "", "lockout_minutes": ""}
    policy = save_settings(db_session, office.scope, values, actor=office.admin)
    assert policy.max_password_age is None and policy.lockout.duration is None
    fresh(db_session)
    row = db_session.get(SecurityPolicyRow, office.client.id)
    assert (row.max_age_days, row.lockout_minutes) == (None, None)


def test_the_defaults_describe_the_default_policy(db_session, office):
    assert current_settings(db_session, office.scope) == default_settings()
    policy = save_settings(db_session, office.scope, default_settings(), actor=office.admin)
    assert policy == SecurityPolicy()


@pytest.mark.parametrize("name", list(BOUNDS))
@pytest.mark.parametrize("side", ["below", "above"])
def test_a_value_out_of_bounds_is_refused_naming_its_field_and_nothing_is_saved(
    db_session, office, name, side
):
    save_settings(db_session, office.scope, VALID, actor=office.admin)
    before = stored(db_session, office)
    bound = BOUNDS[name]
    value = bound.low - 1 if side == "below" else bound.high + 1
    changed = {**VALID, "min_length": "16", name: str(value)}  # a good change rides along
    with pytest.raises(PolicyInvalid) as refused:
        save_settings(db_session, office.scope, changed, actor=office.admin)
    assert refused.value.errors == {
        name: f"{bound.label}: choose from {bound.low} to {bound.high}."
    }
    assert stored(db_session, office) == before


def test_every_bad_field_is_named_at_once_and_a_first_save_writes_no_row(db_session, office):
    bad = {**VALID, "min_length": "7", "absolute_hours": "lots", "required_classes": ["emoji"]}
    with pytest.raises(PolicyInvalid) as refused:
        save_settings(db_session, office.scope, bad, actor=office.admin)
    assert set(refused.value.errors) == {"min_length", "absolute_hours", "required_classes"}
    assert stored(db_session, office) is None


def test_staff_cannot_change_the_settings(db_session, office):
    with pytest.raises(AccessDenied):
        save_settings(db_session, office.scope, VALID, actor=office.staff)
    assert stored(db_session, office) is None


def test_required_kinds_round_trip_through_the_row(db_session, office):
    every_kind = {**VALID, "required_classes": [kind.value for kind in CharClass]}
    policy = save_settings(db_session, office.scope, every_kind, actor=office.admin)
    assert policy.password.required_classes == frozenset(CharClass)
    assert stored(db_session, office)["required_classes"] == sorted(k.value for k in CharClass)
