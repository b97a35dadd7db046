"""Helpers for driving HTML forms through the test client with CSRF on."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.factories import DEFAULT_PASSWORD

_TOKEN = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form served at `path`."""
    page = client.get(path)
    match = _TOKEN.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({page.status_code})"
    return match.group(1) or match.group(2)


def submit(client: FlaskClient, path: str, data: dict, **kwargs):
    """POST `data` to the form at `path` with that page's CSRF token."""
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)}, **kwargs)


def sign_in(client: FlaskClient, user, password: str = DEFAULT_PASSWORD):
    """Sign `user` in through their client's sign-in page."""
    response = submit(
        client, f"/c/{user.client.slug}/signin", {"email": user.email, "password": password}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response
