"""A forgotten password in a real browser: the e-mailed link, the meter, the new sign-in."""

from __future__ import annotations

import logging

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.db import utcnow
from app.models import PasswordResetLink, SecurityPolicyRow
from app.services import password_reset as reset

pytestmark = pytest.mark.e2e
NEW = "purple walrus juggles teacups"


def test_a_person_follows_the_link_chooses_a_password_and_signs_in_with_it(
    page, config, db_session, make_client, make_user, caplog
):
    caplog.set_level(logging.INFO)
    business = make_client(name="Harbour Clinic")
    db_session.add(SecurityPolicyRow(client_id=business.id, self_service_reset=True))
    db_session.commit()
    person = make_user(client=business, email="robin@example.org")
    reset.request_link(db_session, config, business, "robin@example.org", now=utcnow())
    token = reset.link_token(config, db_session.scalars(select(PasswordResetLink.id)).one())

    page.goto(f"/c/{business.slug}/reset-password/{token}")
    assert token not in page.url  # the token left the address bar at once
    assert page.get_by_role("heading", name="Choose a new password").is_visible()
    new_password = page.get_by_label("New password", exact=True)
    new_password.fill("abc")
    words = page.locator("#new-strength [aria-live=polite]")
    # The page's script answers the input event: wait for it, as a person would.
    expect(words).to_have_text("Strength: weak (too short: use at least 12 characters).")
    new_password.fill(NEW)
    expect(words).to_have_text("Strength: very strong.")
    page.get_by_label("Repeat the new password").fill(NEW)
    page.get_by_role("button", name="Save the new password").click()

    assert "Your password is changed; sign in with it." in page.content()
    page.get_by_label("E-mail address").fill(person.email)
    page.get_by_label("Password").fill(NEW)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/signin" not in url)
    assert "do not match an account" not in page.content()
    assert token not in caplog.text
    assert "/reset-password/[token removed]" in caplog.text  # the server logged the request
