"""Services: create, change, switch off, delete only what nobody booked."""

import pytest

from app.errors import AccessDenied, Conflict, NotFound
from app.models import Schedule, Service
from app.services.catalog import ServiceDetails, create_service, delete_service, update_service
from app.services.field_errors import FieldConflict, InvalidField
from tests.services.staff_setup import fresh, make_office, snapshot


@pytest.fixture
def office(make_client, make_user, make_service):
    return make_office(make_client, make_user, make_service)


def test_a_new_service_is_saved_trimmed(db_session, office):
    created = create_service(
        db_session,
        office.scope,
        ServiceDetails(name=" Intake ", duration_minutes=50, description=" First talk "),
        actor=office.admin,
    )
    fresh(db_session)
    stored = db_session.get(Service, created.id)
    assert (stored.client_id, stored.name, stored.description) == (
        office.client.id,
        "Intake",
        "First talk",
    )
    assert stored.duration_minutes == 50 and stored.is_active


@pytest.mark.parametrize(
    ("details", "field", "words"),
    [
        (ServiceDetails(name=" ", duration_minutes=30), "name", "Give the service a name."),
        (ServiceDetails(name="x" * 201, duration_minutes=30), "name", "at most 200"),
        (ServiceDetails(name="Intake", duration_minutes=4), "duration_minutes", "between 5"),
        (ServiceDetails(name="Intake", duration_minutes=1441), "duration_minutes", "1,440"),
        (
            ServiceDetails(name="Intake", duration_minutes=30, description="x" * 2001),
            "description",
            "at most 2,000",
        ),
    ],
)
def test_an_invalid_service_is_refused_in_words_and_nothing_is_saved(
    db_session, office, details, field, words
):
    before = snapshot(db_session)
    with pytest.raises(InvalidField) as refused:
        create_service(db_session, office.scope, details, actor=office.admin)
    assert refused.value.field == field and words in str(refused.value)
    assert snapshot(db_session) == before


def test_two_services_of_a_client_cannot_share_a_name(db_session, office):
    with pytest.raises(FieldConflict):
        create_service(
            db_session,
            office.scope,
            ServiceDetails(name=office.service.name.upper(), duration_minutes=30),
            actor=office.admin,
        )


def test_changing_a_service_bumps_the_schedules_that_offer_it(db_session, office, make_schedule):
    offering = make_schedule(client=office.client, services=[office.service])
    other = make_schedule(client=office.client)
    versions = (offering.availability_version, other.availability_version)
    update_service(
        db_session,
        office.scope,
        office.service.id,
        ServiceDetails(name=office.service.name, duration_minutes=45, is_active=False),
        actor=office.admin,
    )
    fresh(db_session)
    assert db_session.get(Service, office.service.id).duration_minutes == 45
    assert not db_session.get(Service, office.service.id).is_active
    assert db_session.get(Schedule, offering.id).availability_version == versions[0] + 1
    assert db_session.get(Schedule, other.id).availability_version == versions[1]


def test_a_never_booked_service_can_be_deleted(db_session, office, make_schedule):
    schedule = make_schedule(client=office.client, services=[office.service])
    delete_service(db_session, office.scope, office.service.id, actor=office.admin)
    fresh(db_session)
    assert db_session.get(Service, office.service.id) is None
    assert db_session.get(Schedule, schedule.id).services == []


def test_a_booked_service_cannot_be_deleted_and_stays(db_session, office, make_appointment):
    make_appointment(service=office.service)
    before = snapshot(db_session)
    with pytest.raises(Conflict, match="Switch it off instead"):
        delete_service(db_session, office.scope, office.service.id, actor=office.admin)
    assert snapshot(db_session) == before


def test_another_clients_service_finds_nothing(db_session, office, make_service):
    foreign = make_service()
    details = ServiceDetails(name="Mine now", duration_minutes=30)
    with pytest.raises(NotFound):
        update_service(db_session, office.scope, foreign.id, details, actor=office.admin)
    with pytest.raises(NotFound):
        delete_service(db_session, office.scope, foreign.id, actor=office.admin)


def test_staff_cannot_change_services(db_session, office):
    details = ServiceDetails(name="Intake", duration_minutes=30)
    with pytest.raises(AccessDenied):
        create_service(db_session, office.scope, details, actor=office.staff)
    with pytest.raises(AccessDenied):
        delete_service(db_session, office.scope, office.service.id, actor=office.staff)
