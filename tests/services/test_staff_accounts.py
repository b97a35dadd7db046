"""The team: administrators add and deactivate staff; nobody else, and never themselves."""

import pytest

from app.errors import AccessDenied, InvalidInput, NotFound
from app.models import Role, User
from app.services.field_errors import FieldConflict, InvalidField
from app.services.staff_accounts import add_member, deactivate_member, team
from tests.services.staff_setup import fresh, make_office, snapshot

PASSWORD = "a long temporary passphrase"


@pytest.fixture
def office(make_client, make_user, make_service):
    return make_office(make_client, make_user, make_service)


def add(session, config, office, **overrides):
    values = {
        "actor": office.admin,
        "display_name": "Noor Haddad",
        "email": "noor@example.org",
        "password": PASSWORD,
        "role": Role.STAFF,
    }
    return add_member(session, config, office.scope, **{**values, **overrides})


def test_an_administrator_adds_a_staff_member(db_session, config, office):
    member = add(db_session, config, office)
    fresh(db_session)
    stored = db_session.get(User, member.id)
    assert (stored.client_id, stored.role, stored.display_name) == (
        office.client.id,
        Role.STAFF,
        "Noor Haddad",
    )
    assert stored.id in {m.id for m in team(db_session, office.scope)}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"role": Role.CUSTOMER}, "role"),
        ({"role": Role.SUPPORT}, "role"),
        ({"display_name": " "}, "display_name"),
        ({"email": "not-an-address"}, "email"),
        ({"password": "too short"}, "password"),
    ],
)
def test_an_invalid_new_member_is_refused_naming_the_field(
    db_session, config, office, overrides, field
):
    before = snapshot(db_session)
    with pytest.raises(InvalidField) as refused:
        add(db_session, config, office, **overrides)
    assert refused.value.field == field
    assert snapshot(db_session) == before


def test_an_address_already_used_at_the_client_is_a_conflict(db_session, config, office):
    with pytest.raises(FieldConflict, match="already exists"):
        add(db_session, config, office, email=office.staff.email)


def test_staff_cannot_add_team_members(db_session, config, office):
    with pytest.raises(AccessDenied):
        add(db_session, config, office, actor=office.staff)


def test_deactivating_a_member_signs_them_out_everywhere(db_session, office):
    version = office.staff.session_version
    deactivate_member(db_session, office.scope, office.staff.id, actor=office.admin)
    fresh(db_session)
    stored = db_session.get(User, office.staff.id)
    assert not stored.is_active
    assert stored.session_version == version + 1


def test_an_administrator_cannot_deactivate_themselves(db_session, office):
    with pytest.raises(InvalidInput, match="your own account"):
        deactivate_member(db_session, office.scope, office.admin.id, actor=office.admin)


def test_customers_and_other_clients_staff_are_not_team_members(db_session, office, make_user):
    customer = make_user(client=office.client)
    outsider = make_user(role=Role.STAFF)
    for user in (customer, outsider):
        with pytest.raises(NotFound):
            deactivate_member(db_session, office.scope, user.id, actor=office.admin)
    fresh(db_session)
    assert db_session.get(User, customer.id).is_active
    assert db_session.get(User, outsider.id).is_active
