"""Service pages: administrators add, change, switch off and delete; staff only look."""

from sqlalchemy import select

from app.models import Service
from tests.services.staff_setup import snapshot
from tests.web.staff.helpers import fresh, post, sign_in, text


def test_an_administrator_adds_a_service(client, db_session, team):
    sign_in(client, team.admin)
    data = {
        "name": "Intake",
        "description": "First talk",
        "duration_minutes": "50",
        "is_active": "y",
    }
    response = post(client, "/staff/services/new", data)
    assert response.status_code == 302
    created = db_session.scalars(select(Service).where(Service.name == "Intake")).one()
    assert (created.client_id, created.duration_minutes, created.is_active) == (
        team.client.id,
        50,
        True,
    )
    assert "Intake" in text(client.get("/staff/services"))


def test_a_service_with_a_bad_duration_is_a_400_and_saves_nothing(client, db_session, team):
    sign_in(client, team.admin)
    before = snapshot(db_session)
    response = post(client, "/staff/services/new", {"name": "Intake", "duration_minutes": "2000"})
    assert response.status_code == 400
    assert "A service lasts between 5 and 1,440 minutes (a day)." in text(response)
    assert snapshot(db_session) == before


def test_changing_a_service_can_switch_it_off(client, db_session, team):
    sign_in(client, team.admin)
    path = f"/staff/services/{team.service.id}/edit"
    assert f'value="{team.service.name}"' in text(client.get(path))
    response = post(client, path, {"name": "Renamed", "duration_minutes": "45"})
    assert response.status_code == 302
    fresh(db_session)
    stored = db_session.get(Service, team.service.id)
    assert (stored.name, stored.duration_minutes, stored.is_active) == ("Renamed", 45, False)


def test_a_booked_service_cannot_be_deleted_and_the_page_says_why(
    client, db_session, team, make_appointment
):
    make_appointment(schedule=team.schedule, service=team.service)
    sign_in(client, team.admin)
    response = post(client, f"/staff/services/{team.service.id}/delete")
    assert response.status_code == 409
    assert "Switch it off instead" in text(response)
    fresh(db_session)
    assert db_session.get(Service, team.service.id) is not None


def test_a_never_booked_service_is_deleted(client, db_session, team):
    sign_in(client, team.admin)
    service_id = team.service.id
    assert post(client, f"/staff/services/{service_id}/delete").status_code == 302
    fresh(db_session)
    assert db_session.scalars(select(Service).where(Service.id == service_id)).first() is None


def test_staff_see_services_but_cannot_change_them(client, db_session, team):
    sign_in(client, team.staff)
    page = client.get("/staff/services")
    assert page.status_code == 200 and "New service" not in text(page)
    before = snapshot(db_session)
    assert client.get("/staff/services/new").status_code == 403
    assert client.get(f"/staff/services/{team.service.id}/edit").status_code == 403
    assert post(client, f"/staff/services/{team.service.id}/delete").status_code == 403
    assert snapshot(db_session) == before
