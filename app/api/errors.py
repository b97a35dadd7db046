"""Every failure of the JSON API, turned into the error envelope in one place.

| raised                              | status | code                      |
|-------------------------------------|--------|---------------------------|
| pydantic `ValidationError`          | 400    | `invalid_input` (+fields) |
| `InvalidInput`                      | 400    | `invalid_input`           |
| `CSRFError` (missing/bad token)     | 400    | `csrf_failed`             |
| not signed in (from `app.access`)   | 401    | `sign_in_required`        |
| `AccessDenied`, 403                 | 403    | `forbidden`               |
| `NotFound`, unknown URL             | 404    | `not_found`               |
| `SlotTaken`, `Conflict`             | 409    | `slot_taken`, `conflict`  |
| other `BookingRefused`              | 422    | the engine's reason code  |
| anything else                       | 500    | `internal_error`          |

Blueprint handlers take precedence over the application's HTML error pages for every
request routed to this blueprint, including errors raised before the view runs (the
access check, CSRF).
"""

from __future__ import annotations

import logging

from flask import Response, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

import scheduling
from app.access import public
from app.api import bp, failure
from app.errors import MESSAGES, AccessDenied, Conflict, InvalidInput, NotFound
from app.extensions import csrf

log = logging.getLogger(__name__)

#: Stable codes for HTTP errors raised by Flask, Werkzeug and the access check.
HTTP_CODES = {
    400: "bad_request",
    401: "sign_in_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}
#: Refusals a client can fix by choosing another time get 422; "someone was faster" 409.
TAKEN_CODE = "slot_taken"


def field_errors(error: ValidationError) -> dict[str, str]:
    """One message per offending field (the whole body is "body"), input never echoed."""
    fields: dict[str, str] = {}
    for item in error.errors(include_input=False, include_url=False, include_context=False):
        name = str(item["loc"][0]) if item["loc"] else "body"
        message = item["msg"].removeprefix("Value error, ")
        fields.setdefault(name, message)
    return fields


@bp.errorhandler(ValidationError)
def _invalid(error: ValidationError) -> Response:
    fields = field_errors(error)
    message = "; ".join(f"{name}: {text}" for name, text in fields.items())
    return failure(400, "invalid_input", message, fields=fields)


@bp.errorhandler(InvalidInput)
def _invalid_input(error: InvalidInput) -> Response:
    return failure(400, "invalid_input", str(error))


@bp.errorhandler(CSRFError)
def _csrf(error: CSRFError) -> Response:
    return failure(400, "csrf_failed", error.description or "The CSRF token is missing or wrong.")


@bp.errorhandler(scheduling.BookingRefused)
def _refused(error: scheduling.BookingRefused) -> Response:
    return failure(409 if error.code == TAKEN_CODE else 422, error.code, error.message)


@bp.errorhandler(NotFound)
def _not_found(_error: NotFound) -> Response:
    return _http_failure(404)


@bp.errorhandler(AccessDenied)
def _denied(_error: AccessDenied) -> Response:
    return _http_failure(403)


@bp.errorhandler(Conflict)
def _conflict(error: Conflict) -> Response:
    return failure(409, "conflict", str(error))


@bp.errorhandler(HTTPException)
def _http(error: HTTPException) -> Response:
    return _http_failure(error.code or 500)


@bp.errorhandler(Exception)
def _unexpected(error: Exception) -> Response:
    # The traceback goes to the log with the endpoint only; the answer says nothing of it.
    log.error("unhandled error at %s", request.endpoint, exc_info=error)
    return _http_failure(500)


@bp.route("/<path:_anything>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@public
@csrf.exempt  # it changes nothing, and a CSRF refusal would hide the 404
def unknown(_anything: str) -> ResponseReturnValue:
    """Unknown API paths (and unknown methods on known ones) answer a JSON 404.

    The application's own 404 and 405 are HTML pages, raised before any blueprint
    is chosen; this route catches what the other API routes do not match.
    """
    raise NotFound


def _http_failure(status: int) -> Response:
    if status not in MESSAGES:
        status = 500
    code = HTTP_CODES.get(status, "internal_error")
    return failure(status, code, MESSAGES[status][1])
