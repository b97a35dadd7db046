"""Record locks are applied by the scoped query layer: one rule for every reader."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.errors import InvalidInput, NotFound
from app.models import Role
from app.scope import RecordLocked, Scope
from app.services import record_locks
from app.services.agenda import LOCKED_LABEL, load_agenda
from app.services.appointment_records import customer_list
from app.services.booking_choices import booking_choices

MONDAY = datetime(2031, 3, 3, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def app_context(app):
    """Audit events are chained with the application's key."""
    with app.app_context():
        yield


@pytest.fixture
def office(db_session, make_client, make_user, make_service, make_schedule, make_appointment):
    client = make_client()
    service = make_service(client=client)
    schedule = make_schedule(client=client, services=[service])
    people = {
        "client": client,
        "admin": make_user(client=client, role=Role.CLIENT_ADMIN),
        "other_admin": make_user(client=client, role=Role.CLIENT_ADMIN),
        "therapist": make_user(client=client, role=Role.STAFF),
        "receptionist": make_user(client=client, role=Role.STAFF),
        "customer": make_user(client=client, display_name="Private Person"),
        "schedule": schedule,
    }
    people["appointment"] = make_appointment(
        schedule=schedule, service=service, customer=people["customer"], start_at=MONDAY
    )
    record_locks.set_lock(
        db_session,
        Scope.for_user(people["admin"]),
        people["customer"].id,
        actor=people["admin"],
        member_ids=[people["admin"].id, people["therapist"].id],
    )
    return people


def test_an_unnamed_staff_member_cannot_open_the_customer_or_their_appointments(db_session, office):
    scope = Scope.for_user(office["receptionist"])
    with pytest.raises(RecordLocked):
        scope.get_customer(db_session, office["customer"].id)
    with pytest.raises(RecordLocked):
        scope.get_appointment(db_session, office["appointment"].id)


def test_an_unnamed_administrator_cannot_open_it_either(db_session, office):
    with pytest.raises(RecordLocked):
        Scope.for_user(office["other_admin"]).get_customer(db_session, office["customer"].id)


def test_named_people_still_open_it(db_session, office):
    for person in (office["admin"], office["therapist"]):
        scope = Scope.for_user(person)
        assert scope.get_customer(db_session, office["customer"].id).id == office["customer"].id
        assert scope.get_appointment(db_session, office["appointment"].id)


def test_the_customer_still_sees_their_own_appointments(db_session, office):
    scope = Scope.for_user(office["customer"])
    assert scope.get_appointment(db_session, office["appointment"].id)


def test_lists_and_agenda_lines_show_only_that_a_locked_record_exists(db_session, office):
    scope = Scope.for_user(office["receptionist"])
    (row,) = customer_list(db_session, scope)
    assert (row.name, row.email, row.locked) == (LOCKED_LABEL, "", True)
    agenda = load_agenda(
        db_session, scope, schedule_id=None, day=MONDAY.date(), week=False, now=MONDAY
    )
    (item,) = agenda.days[0].items
    assert (item.customer_name, item.service_name, item.locked) == (LOCKED_LABEL, "", True)
    assert office["customer"].id not in {c.id for c in booking_choices(db_session, scope).customers}


def test_named_people_see_the_name_in_lists(db_session, office):
    (row,) = customer_list(db_session, Scope.for_user(office["therapist"]))
    assert row.name == "Private Person"


def test_a_lock_names_only_members_of_the_clients_team(db_session, office, make_user):
    stranger = make_user(role=Role.STAFF)
    with pytest.raises(InvalidInput):
        record_locks.set_lock(
            db_session,
            Scope.for_user(office["admin"]),
            office["customer"].id,
            actor=office["admin"],
            member_ids=[stranger.id],
        )
    with pytest.raises(InvalidInput):
        record_locks.set_lock(
            db_session,
            Scope.for_user(office["admin"]),
            office["customer"].id,
            actor=office["admin"],
            member_ids=[],
        )


def test_lifting_the_lock_opens_the_record_to_the_team(db_session, office):
    record_locks.remove_lock(
        db_session, Scope.for_user(office["admin"]), office["customer"].id, actor=office["admin"]
    )
    scope = Scope.for_user(office["receptionist"])
    assert scope.get_customer(db_session, office["customer"].id)


def test_another_clients_lock_cannot_be_lifted(db_session, office, make_user):
    stranger = make_user(role=Role.CLIENT_ADMIN)
    with pytest.raises(NotFound):
        record_locks.remove_lock(
            db_session, Scope.for_user(stranger), office["customer"].id, actor=stranger
        )
