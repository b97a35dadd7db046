"""The JSON API under /api/v1: one blueprint, one response envelope.

Success is `{"data": ...}`; failure is `{"error": {"code": "...", "message": "..."}}`,
with every error (validation, domain refusals, 401/403/404, CSRF, the unexpected)
mapped in one place, `app.api.errors`. The API never answers with an HTML page or a
redirect: a script calling it can always read the envelope.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response

bp = Blueprint("api", __name__, url_prefix="/api/v1")

JSON = "application/json"


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON, the encoding of every API body."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def ok(data: Any, status: int = 200) -> Response:
    """The success envelope around `data`."""
    return Response(dumps({"data": data}), status=status, mimetype=JSON)


def ok_body(body: bytes, status: int = 200) -> Response:
    """A success envelope that was serialized earlier (and cached)."""
    return Response(body, status=status, mimetype=JSON)


def failure(status: int, code: str, message: str, **details: Any) -> Response:
    """The error envelope: a stable `code`, a sentence people can read, optional details."""
    error = {"code": code, "message": message, **details}
    return Response(dumps({"error": error}), status=status, mimetype=JSON)


@bp.after_request
def _not_stored(response: Response) -> Response:
    # Customer answers are private; the few public ones set their own policy.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


# The view modules add their routes to `bp`, so they are imported after it exists.
from app.api import appointments, availability, errors  # noqa: E402, F401
