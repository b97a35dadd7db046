"""The customer's "Your data" page: download a copy, ask for erasure."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from app.models import ErasureRequest, ErasureStatus
from app.models.audit import AuditEvent
from app.services.data_export import JSON_NAME
from tests.data_rights_setup import MARK_NOTE, make_marked
from tests.services.staff_setup import fresh
from tests.web.customer.pages import csrf_token, sign_in


@pytest.fixture
def world(app, db_session, make_client, make_user, make_service, make_schedule, make_appointment):
    return make_marked(
        db_session, make_client, make_user, make_service, make_schedule, make_appointment
    )


@pytest.fixture
def signed_in(client, world):
    sign_in(client, world.customer)
    return client


def _page(world) -> str:
    return f"/c/{world.client.slug}/account/data"


def _count(db_session, model, *conditions) -> int:
    fresh(db_session)
    return db_session.scalar(select(func.count()).select_from(model).where(*conditions))


def test_my_appointments_links_to_the_data_page(signed_in, world) -> None:
    page = signed_in.get(f"/c/{world.client.slug}/appointments")
    assert _page(world) in page.text


def test_the_download_is_a_zip_of_my_own_appointments(signed_in, world, db_session) -> None:
    token = csrf_token(signed_in, _page(world))
    response = signed_in.post(_page(world) + "/download", data={"csrf_token": token})

    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        document = json.loads(archive.read(JSON_NAME))
    ids = {a["id"] for a in document["appointments"]}
    assert str(world.upcoming.id) in ids
    assert str(world.others_appointment.id) not in ids
    assert any(a["notes"] == MARK_NOTE for a in document["appointments"])
    assert _count(db_session, AuditEvent, AuditEvent.action == "customer.export") == 1


def test_a_download_without_the_forms_token_sends_nothing(signed_in, world, db_session) -> None:
    response = signed_in.post(_page(world) + "/download")

    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert _count(db_session, AuditEvent, AuditEvent.action == "customer.export") == 0


def test_signed_out_visitors_are_asked_to_sign_in(client, world) -> None:
    response = client.get(_page(world))
    assert response.status_code in (302, 401)


def test_another_clients_data_page_asks_to_sign_in_there(signed_in, world, make_client) -> None:
    elsewhere = make_client()
    response = signed_in.get(f"/c/{elsewhere.slug}/account/data")
    assert response.status_code == 302
    assert f"/c/{elsewhere.slug}/signin" in response.headers["Location"]


def test_erasure_needs_the_confirmation_ticked(signed_in, world, db_session) -> None:
    token = csrf_token(signed_in, _page(world))
    response = signed_in.post(_page(world) + "/erasure", data={"csrf_token": token})

    assert response.status_code == 400
    assert "Tick the box" in response.text
    assert _count(db_session, ErasureRequest) == 0


def test_a_confirmed_request_waits_for_the_administrator(signed_in, world, db_session) -> None:
    token = csrf_token(signed_in, _page(world))
    response = signed_in.post(_page(world) + "/erasure", data={"csrf_token": token, "confirm": "y"})

    assert response.status_code == 302
    assert _count(db_session, ErasureRequest, ErasureRequest.status == ErasureStatus.PENDING) == 1
    page = signed_in.get(_page(world))
    assert "You asked for erasure on" in page.text
    # Nothing is erased until the decision: the account still works.
    assert signed_in.get(f"/c/{world.client.slug}/appointments").status_code == 200
