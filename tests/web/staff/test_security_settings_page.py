"""The Security settings page: administrators only; every value within bounds or none saved."""

import pytest

from app.models import SecurityPolicyRow
from auth.policy import BOUNDS
from tests.services.staff_setup import fresh
from tests.web.staff.helpers import post, sign_in, text

PAGE = "/staff/security"
FORM = {
    "min_length": "14",
    "history_depth": "3",
    "max_age_days": "",
    "lockout_threshold": "4",
    "lockout_window_minutes": "20",
    "lockout_minutes": "30",
    "staff_idle_minutes": "10",
    "customer_idle_minutes": "25",
    "absolute_hours": "9",
    "required_classes": ["digit", "symbol"],
    "self_service_reset": "y",
}
SECURITY_PAGES = [
    "/staff/security",
    "/staff/security/log",
    "/staff/security/log.csv",
    "/staff/security/locked",
    "/staff/security/new-passwords",
]


def row_values(db_session, team) -> dict | None:
    fresh(db_session)
    row = db_session.get(SecurityPolicyRow, team.client.id)
    return None if row is None else row.settings()


def test_the_page_offers_every_setting_with_its_range_and_default(client, team):
    sign_in(client, team.admin)
    page = text(client.get(PAGE))
    for name, bound in BOUNDS.items():
        assert f'name="{name}"' in page, name
        assert bound.label in page
        assert f'min="{bound.low}"' in page and f'max="{bound.high}"' in page
        assert f"From {bound.low} to {bound.high}" in page
    assert "Default: 12." in page
    assert "From 30 to 365. Empty: passwords never expire. Default: empty." in page
    assert (
        "Off by default: current NIST (SP 800-63B) and OWASP guidance advise against periodic "
        "rotation; it pushes people to predictable passwords."
    ) in page
    for kind in ("lower", "upper", "digit", "symbol"):
        assert f'value="{kind}"' in page
    for name in ("lock_until_unlocked", "mfa_required_for_staff", "self_service_reset"):
        assert f'name="{name}"' in page


def test_settings_within_bounds_are_saved_and_shown_again(client, db_session, team):
    sign_in(client, team.admin)
    response = post(client, PAGE, FORM)
    assert response.status_code == 302
    saved = row_values(db_session, team)
    assert (saved["min_length"], saved["lockout_minutes"], saved["absolute_hours"]) == (14, 30, 9)
    assert saved["required_classes"] == ["digit", "symbol"]
    assert saved["self_service_reset"] and not saved["mfa_required_for_staff"]
    assert saved["max_age_days"] == ""  # no expiry
    page = text(client.get(PAGE))
    assert "Security settings saved." in page
    assert 'name="min_length" step="1" type="number" value="14"' in page


def test_the_second_factor_box_is_stored(client, db_session, team):
    sign_in(client, team.admin)
    assert post(client, PAGE, {**FORM, "mfa_required_for_staff": "y"}).status_code == 302
    assert row_values(db_session, team)["mfa_required_for_staff"]


def test_the_until_unlocked_box_empties_the_lock_duration(client, db_session, team):
    sign_in(client, team.admin)
    assert post(client, PAGE, {**FORM, "lock_until_unlocked": "y"}).status_code == 302
    assert row_values(db_session, team)["lockout_minutes"] == ""  # stored NULL
    page = text(client.get(PAGE))
    assert '<input checked id="lock_until_unlocked"' in page
    # Unticking the box later offers the default duration rather than an empty field.
    assert 'name="lockout_minutes" step="1" type="number" value="15"' in page


@pytest.mark.parametrize("name", list(BOUNDS))
def test_an_out_of_bounds_value_is_refused_beside_its_field_and_nothing_is_saved(
    client, db_session, team, name
):
    sign_in(client, team.admin)
    assert post(client, PAGE, FORM).status_code == 302
    before = row_values(db_session, team)
    bound = BOUNDS[name]
    response = post(client, PAGE, {**FORM, "history_depth": "7", name: str(bound.high + 1)})
    assert response.status_code == 400
    page = text(response)
    message = f"{bound.label}: choose from {bound.low} to {bound.high}."
    assert f'<p class="field-error" id="{name}-error">{message}</p>' in page
    assert f'aria-describedby="{name}-hint {name}-error"' in page
    assert row_values(db_session, team) == before


def test_every_refusal_is_shown_at_once(client, db_session, team):
    sign_in(client, team.admin)
    bad = {**FORM, "min_length": "4", "staff_idle_minutes": "many", "required_classes": ["emoji"]}
    page = text(post(client, PAGE, bad))
    assert 'id="min_length-error"' in page
    assert "Idle sign-out for staff (minutes): enter a whole number." in page
    assert "Required character kinds: choose from the list." in page
    assert row_values(db_session, team) is None


def test_staff_are_refused_every_security_page(client, db_session, team):
    sign_in(client, team.staff)
    for path in SECURITY_PAGES:
        assert client.get(path).status_code == 403, path
    assert post(client, PAGE, FORM).status_code == 403
    assert post(client, "/staff/security/new-passwords").status_code == 403
    assert row_values(db_session, team) is None
    assert "/staff/security" not in text(client.get("/staff/agenda"))


def test_the_staff_navigation_offers_security_to_administrators(client, team):
    sign_in(client, team.admin)
    assert 'href="/staff/security"' in text(client.get("/staff/agenda"))


def test_a_form_without_its_csrf_token_is_refused(client, db_session, team):
    sign_in(client, team.admin)
    assert client.post(PAGE, data=FORM).status_code == 400
    assert row_values(db_session, team) is None
