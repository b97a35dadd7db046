"""Setting up two-step sign-in in a real browser: the QR code draws under the page's CSP."""

from __future__ import annotations

import pyotp
import pytest

from app.models import Role
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.e2e


def test_staff_set_up_an_app_from_the_qr_page_and_sign_in_with_its_code(
    page, make_user, make_client
):
    client = make_client(name="Riverside Counselling")
    staff = make_user(client=client, role=Role.STAFF)
    blocked = []  # what the Content-Security-Policy refused (Chromium logs each refusal)
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    page.goto(f"/c/{client.slug}/signin")
    page.get_by_label("E-mail address").fill(staff.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Two-step sign-in").click()
    page.get_by_role("link", name="Set up two-step sign-in").click()
    page.get_by_label("Your password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Continue").click()

    qr = page.locator("svg.qr-code")
    box = qr.bounding_box()
    assert box is not None and box["width"] >= 150 and box["height"] >= 150
    secret = page.locator("code.secret-key").inner_text()
    # The app's clock is the real one here; one step of tolerance covers a step change.
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step sign-in").click()

    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert blocked == []

    page.get_by_role("link", name="I have saved my codes").click()
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"/c/{client.slug}/signin")
    page.get_by_label("E-mail address").fill(staff.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    assert "you have 9 recovery codes left" in page.content()
