"""The idle sign-out in a real browser: the warning, 'Stay signed in', then the sign-out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.e2e


def test_the_page_warns_before_the_idle_timeout_and_then_signs_out(page, make_user, monkeypatch):
    server_now = [datetime.now(UTC)]
    monkeypatch.setattr("app.web.session_guard.utcnow", lambda: server_now[0])
    customer = make_user(display_name="Sam Taylor")
    page.clock.install()
    page.goto(f"/c/{customer.client.slug}/signin")
    page.get_by_label("E-mail address").fill(customer.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/c/{customer.client.slug}/appointments")

    warning = page.get_by_role("alertdialog")
    assert not warning.is_visible()
    page.clock.run_for("29:05")  # a customer's idle limit is 30 minutes
    assert warning.is_visible()
    assert "signed out in" in warning.inner_text()
    assert page.evaluate("document.activeElement.textContent") == "Stay signed in"

    server_now[0] += timedelta(minutes=29, seconds=5)
    page.get_by_role("button", name="Stay signed in").click()
    warning.wait_for(state="hidden")

    server_now[0] += timedelta(minutes=31)  # then nobody touches the page again
    page.clock.run_for("30:05")
    page.wait_for_url(f"**/c/{customer.client.slug}/signin**")
    assert "You were signed out after 30 minutes of inactivity" in page.content()
