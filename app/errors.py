"""Errors the use cases raise, and the one place they become HTTP responses."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


class NotFound(LookupError):
    """The record does not exist, or the actor may not know that it does (answered 404)."""


class AccessDenied(PermissionError):
    """The actor is known but may not do this (answered 403)."""


class InvalidInput(ValueError):
    """The input breaks a rule; the message is safe to show the user (answered 400)."""


class Conflict(ValueError):
    """The input clashes with existing data; the message is safe to show (answered 409)."""


#: Short public wording per status. Error pages never include exception text.
MESSAGES = {
    400: ("Bad request", "The request could not be understood. Please check and try again."),
    401: ("Sign-in required", "Please sign in to continue."),
    403: ("Not allowed", "You do not have access to this page."),
    404: ("Not found", "There is nothing here. The link may be wrong or out of date."),
    405: ("Not allowed", "This page cannot be used that way."),
    409: ("Conflict", "This clashes with something that already exists."),
    413: ("Too large", "What you sent is too large."),
    429: ("Too many requests", "Please wait a moment before trying again."),
    500: ("Something went wrong", "An unexpected error occurred. Please try again later."),
}


def render_error(status: int) -> tuple[str, int]:
    """The generic error page for `status`."""
    title, message = MESSAGES.get(status, MESSAGES[500])
    if status not in MESSAGES:
        status = 500
    return render_template("errors/error.html", status=status, title=title, message=message), status


def register_error_handlers(app: Flask) -> None:
    """Map domain errors and HTTP errors to generic pages."""

    @app.errorhandler(NotFound)
    def _not_found(_error: NotFound) -> tuple[str, int]:
        return render_error(404)

    @app.errorhandler(AccessDenied)
    def _access_denied(_error: AccessDenied) -> tuple[str, int]:
        return render_error(403)

    # Refusals no page of a blueprint handled: the generic page, never the message (it
    # may have been written with what was sent).
    @app.errorhandler(InvalidInput)
    def _invalid_input(_error: InvalidInput) -> tuple[str, int]:
        return render_error(400)

    @app.errorhandler(Conflict)
    def _conflict(_error: Conflict) -> tuple[str, int]:
        return render_error(409)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> tuple[str, int]:
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[str, int]:
        # The traceback goes to the log (with the endpoint, never form data); the page
        # shows nothing of it.
        log.error("unhandled error at %s", request.endpoint, exc_info=error)
        return render_error(InternalServerError.code)
