"""Health check, home page layout, security headers, error pages and CSRF."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from app.access import public
from app.errors import NotFound


def test_healthz_answers_ok_as_json(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_home_page_has_the_accessible_layout(client: FlaskClient) -> None:
    response = client.get("/")
    html = response.text
    assert response.status_code == 200
    assert re.search(r'<html lang="en"', html)
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert 'role="status"' in html
    assert '<meta name="viewport"' in html


def test_pages_load_assets_only_from_this_site(client: FlaskClient) -> None:
    html = client.get("/").text
    assert "/static/css/safeslot.css" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    with client.get("/static/css/safeslot.css") as stylesheet:
        assert stylesheet.status_code == 200


def test_responses_carry_security_headers(client: FlaskClient) -> None:
    headers = client.get("/").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"


def test_unknown_pages_get_the_generic_404_page(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Not found" in response.text


def test_not_found_from_the_scope_is_a_404(app: Flask) -> None:
    @public
    def hidden() -> str:
        raise NotFound("appointment 1234 belongs to client 99")

    app.add_url_rule("/hidden", "hidden", hidden)
    response = app.test_client().get("/hidden")
    assert response.status_code == 404
    assert "client 99" not in response.text


def test_error_pages_never_show_exception_text(app: Flask) -> None:
    @public
    def broken() -> str:
        raise RuntimeError("patient jane@example.org has notes")

    app.add_url_rule("/broken", "broken", broken)
    response = app.test_client().get("/broken")
    assert response.status_code == 500
    assert "jane@example.org" not in response.text
    assert "RuntimeError" not in response.text
    assert "Something went wrong" in response.text


def test_csrf_protection_is_on_unless_a_test_turns_it_off(app: Flask) -> None:
    @public
    def submit() -> str:
        return "accepted"

    app.add_url_rule("/submit", "submit", submit, methods=["POST"])
    response = app.test_client().post("/submit", data={"x": "1"})
    assert response.status_code == 400
    assert "accepted" not in response.text


def test_csrf_can_be_turned_off_explicitly_for_form_tests(config) -> None:
    from app import create_app

    app = create_app(config.with_overrides(csrf_enabled=False))

    @public
    def submit() -> str:
        return "accepted"

    app.add_url_rule("/submit", "submit", submit, methods=["POST"])
    try:
        assert app.test_client().post("/submit", data={"x": "1"}).text == "accepted"
    finally:
        from app.db import get_db

        get_db(app).engine.dispose()
