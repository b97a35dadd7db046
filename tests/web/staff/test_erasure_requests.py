"""The administrators' Erasure requests page: approve (erase) or decline with a reason."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models import ErasureRequest, ErasureStatus, User
from app.scope import Scope
from app.services import erasure
from tests.data_rights_setup import MARK_EMAIL, MARK_NAME, NOW, make_marked
from tests.services.staff_setup import fresh
from tests.web.staff.helpers import post, sign_in, text


@pytest.fixture
def world(app, db_session, make_client, make_user, make_service, make_schedule, make_appointment):
    marked = make_marked(
        db_session, make_client, make_user, make_service, make_schedule, make_appointment
    )
    # Only the service call needs the app; requests must push their own contexts.
    with app.app_context():
        erasure.request_erasure(
            db_session, Scope.for_user(marked.customer), actor=marked.customer, now=NOW
        )
    return marked


def _request(db_session, world) -> ErasureRequest:
    fresh(db_session)
    return db_session.scalars(
        select(ErasureRequest).where(ErasureRequest.customer_id == world.customer.id)
    ).one()


def test_the_admin_sees_pending_requests(client, world) -> None:
    sign_in(client, world.admin)
    page = client.get("/staff/erasure-requests")
    assert page.status_code == 200
    assert MARK_NAME in text(page)


def test_staff_who_are_not_admins_may_not_open_it(client, world, make_user) -> None:
    from app.models import Role

    staff = make_user(client=world.client, role=Role.STAFF)
    sign_in(client, staff)
    assert client.get("/staff/erasure-requests").status_code == 403


def test_approving_erases_and_staff_then_see_the_placeholder(client, world, db_session) -> None:
    sign_in(client, world.admin)
    request = _request(db_session, world)

    response = post(client, f"/staff/erasure-requests/{request.id}/approve")

    assert response.status_code == 302
    assert _request(db_session, world).status is ErasureStatus.APPROVED
    page = text(client.get(f"/staff/customers/{world.customer.id}"))
    assert erasure.PLACEHOLDER_NAME in page
    assert MARK_NAME not in page and MARK_EMAIL not in page
    assert MARK_NAME not in text(client.get("/staff/customers"))


def test_the_erased_customer_is_signed_out(client, app, world, db_session) -> None:
    customer_browser = app.test_client()
    sign_in(customer_browser, world.customer)
    sign_in(client, world.admin)

    post(client, f"/staff/erasure-requests/{_request(db_session, world).id}/approve")

    response = customer_browser.get(f"/c/{world.client.slug}/appointments")
    assert response.status_code == 302
    assert "/signin" in response.headers["Location"]


def test_declining_without_a_reason_changes_nothing(client, world, db_session) -> None:
    sign_in(client, world.admin)
    request = _request(db_session, world)

    response = post(client, f"/staff/erasure-requests/{request.id}/decline", {"reason": ""})

    assert response.status_code == 400
    assert _request(db_session, world).status is ErasureStatus.PENDING


def test_a_declined_customer_sees_the_reason(client, app, world, db_session) -> None:
    sign_in(client, world.admin)
    request = _request(db_session, world)

    response = post(
        client,
        f"/staff/erasure-requests/{request.id}/decline",
        {"reason": "Invoices must be kept for six years."},
    )

    assert response.status_code == 302
    fresh(db_session)
    assert db_session.get(User, world.customer.id).is_active
    customer_browser = app.test_client()
    sign_in(customer_browser, world.customer)
    page = text(customer_browser.get(f"/c/{world.client.slug}/account/data"))
    assert "Invoices must be kept for six years." in page


def test_another_clients_request_answers_404(client, world, make_client, make_user) -> None:
    from app.models import Role

    elsewhere = make_client()
    sign_in(client, make_user(client=elsewhere, role=Role.CLIENT_ADMIN))
    request_id = world.customer.id  # any ID: the real request is not theirs either
    assert post(client, f"/staff/erasure-requests/{request_id}/approve").status_code == 404


def test_approving_twice_is_refused(client, world, db_session) -> None:
    sign_in(client, world.admin)
    request = _request(db_session, world)
    post(client, f"/staff/erasure-requests/{request.id}/approve")

    again = post(client, f"/staff/erasure-requests/{request.id}/approve")

    assert again.status_code == 409
    fresh(db_session)
    count = select(func.count()).select_from(ErasureRequest)
    assert db_session.scalar(count) == 1
