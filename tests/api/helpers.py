"""Driving the JSON API through the test client: sign in, then call it with the CSRF header."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient

from tests.factories import DEFAULT_PASSWORD
from tests.web.forms import csrf_token


def api_sign_in(client: FlaskClient, user: Any, password: str = DEFAULT_PASSWORD) -> str:
    """Sign `user` in through their client's sign-in page; return the CSRF token to send."""
    path = f"/c/{user.client.slug}/signin"
    token = csrf_token(client, path)
    response = client.post(
        f"{path}?next=/",
        data={"email": user.email, "password": password, "csrf_token": token},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return token


def post_json(client: FlaskClient, path: str, body: Any, token: str | None) -> Any:
    """POST `body` as JSON, with `X-CSRFToken` unless `token` is None."""
    headers = {"X-CSRFToken": token} if token is not None else {}
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(path, data=data, content_type="application/json", headers=headers)


def error_of(response: Any) -> dict[str, Any]:
    """The error envelope's content, checking that it is one."""
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:200]
    body = response.get_json()
    assert set(body) == {"error"}, body
    return body["error"]
