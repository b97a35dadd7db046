"""A staff member subscribes a calendar to their week, sees a cancellation, then revokes."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from app.models import Role
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.e2e


def fetch(url: str) -> tuple[int, bytes]:
    """GET `url` the way a calendar app polls it: no cookies, no browser."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (local server)
            return response.status, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, b""


def events_by_uid(body: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def test_a_staff_member_subscribes_sees_a_cancellation_and_revokes_the_address(
    page, live_server, make_client, make_schedule, make_service, make_user, make_appointment
):
    clinic = make_client(name="Riverside Clinic")
    service = make_service(client=clinic, name="Counselling")
    schedule = make_schedule(client=clinic, services=[service])
    staff = make_user(client=clinic, role=Role.STAFF, display_name="Robin Staff")
    morning = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    week = [
        make_appointment(schedule=schedule, service=service, start_at=morning + timedelta(days=d))
        for d in (1, 2, 4)
    ]

    page.goto(f"/c/{clinic.slug}/signin")
    page.get_by_label("E-mail address").fill(staff.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/account/calendar-feeds")
    page.get_by_label("Name").fill("Phone")
    page.get_by_role("button", name="Make the feed").click()
    shown_url = page.locator("code").inner_text().strip()
    # The page shows the configured public address; the test server listens elsewhere.
    assert shown_url.startswith("http") and "/feeds/" in shown_url
    feed_url = live_server + shown_url[shown_url.index("/feeds/") :]

    status, body = fetch(feed_url)
    assert status == 200
    shown = events_by_uid(body)
    assert {f"{a.id}@safeslot" for a in week} == set(shown)
    assert {str(e["STATUS"]) for e in shown.values()} == {"CONFIRMED"}

    page.goto(f"/staff/appointments/{week[1].id}")
    page.get_by_label("Reason").first.fill("Room flooded")
    page.get_by_role("button", name="Cancel the appointment").click()
    page.wait_for_load_state()

    status, body = fetch(feed_url)
    assert status == 200
    cancelled = events_by_uid(body)[f"{week[1].id}@safeslot"]
    assert str(cancelled["STATUS"]) == "CANCELLED"

    page.goto("/account/calendar-feeds")
    page.get_by_role("button", name="Revoke Phone").click()
    page.wait_for_load_state()
    assert fetch(feed_url)[0] == 404
