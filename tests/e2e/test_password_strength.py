"""The strength meter on the change-password page: words, not colour alone, announced politely."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.e2e


def test_the_meter_says_in_words_how_strong_the_new_password_is(page, make_user):
    customer = make_user()
    page.goto(f"/c/{customer.client.slug}/signin?next=/account/password")
    page.get_by_label("E-mail address").fill(customer.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    meter = page.locator("#new-strength")
    words = meter.locator("[aria-live=polite]")
    expect(meter).to_be_hidden()  # nothing typed yet: nothing to judge
    new_password = page.get_by_label("New password", exact=True)
    for typed, verdict in [
        ("abc", "Strength: weak (too short: use at least 12 characters)."),
        ("password1234", "Strength: weak."),
        ("Summer2024!!", "Strength: fair."),
        ("purple walrus juggles teacups", "Strength: very strong."),
    ]:
        new_password.fill(typed)
        # The page's script answers the input event: wait for it, as a person would.
        expect(words).to_have_text(verdict)
    expect(meter).to_be_visible()
    new_password.fill("")
    expect(meter).to_be_hidden()
