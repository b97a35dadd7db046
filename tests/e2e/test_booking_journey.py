"""A customer books on the public page; the appointment then shows on the staff agenda."""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.models import Appointment, AppointmentStatus, Role
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.e2e


def sign_in(page, email: str) -> None:
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_customer_books_in_the_browser_and_staff_see_it_on_their_agenda(
    page, live_server, db_session, make_client, make_service, make_schedule, make_user
):
    client = make_client(name="Riverside Counselling", timezone="Europe/London")
    service = make_service(client=client, name="Follow-up session", duration_minutes=30)
    # Open all day, every day, with no notice: whenever the test runs, today has times.
    hours = tuple((weekday, time(0, 0), time(23, 59)) for weekday in range(7))
    make_schedule(
        client=client, name="Dr. Amara Osei", services=[service], hours=hours, min_notice_minutes=0
    )
    customer = make_user(client=client, display_name="Sam Taylor")
    staff = make_user(client=client, role=Role.STAFF, display_name="Amara Osei")

    page.goto(f"/c/{client.slug}")
    page.get_by_role("link", name="Follow-up session").first.click()
    page.locator("table a").first.click()  # the first day with openings
    page.locator("a.time-link").first.click()  # its first time
    sign_in(page, customer.email)  # booking asks who you are, then returns
    page.get_by_role("button", name="Book this time").click()
    page.wait_for_load_state()

    db_session.rollback()
    appointment = db_session.scalars(select(Appointment)).one()
    assert appointment.customer_id == customer.id
    assert appointment.status is AppointmentStatus.CONFIRMED
    assert "Follow-up session" in page.content()

    staff_view = page.context.browser.new_context(base_url=live_server).new_page()
    staff_view.goto(f"/c/{client.slug}/signin")
    sign_in(staff_view, staff.email)
    local_day = appointment.start_at.astimezone(ZoneInfo("Europe/London"))
    staff_view.goto(f"/staff/agenda?view=day&date={local_day:%Y-%m-%d}")
    agenda = staff_view.get_by_role("main")
    assert "Sam Taylor" in agenda.inner_text()
    assert f"{local_day:%H:%M}" in agenda.inner_text()
