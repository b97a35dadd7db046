"""The login log: every sign-in attempt on the client, on pages or as a CSV download."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, abort, render_template, request, stream_with_context
from flask.typing import ResponseReturnValue

from app.access import login_required_role
from app.config import get_config
from app.db import get_session
from app.models import LoginOutcome, Role
from app.services import login_log as log_service
from app.services.record_views import record_export
from app.web.csv_export import csv_lines
from app.web.staff import common
from app.web.staff.log_filters import page_number, query, read_filters

CSV_HEADER = (
    "time_utc",
    "outcome",
    "account_name",
    "account_email",
    "ip_address",
    "user_agent",
)


@login_required_role(Role.CLIENT_ADMIN)
def security_log() -> ResponseReturnValue:
    """GET: the client's attempts, newest first, 50 a page, narrowed by the filters."""
    filters, problems = read_filters(request.args)
    log = log_service.page(
        get_session(),
        common.scope(),
        filters,
        lookup_key=get_config().blind_index_key,
        number=page_number(request.args),
    )
    page = render_template(
        "staff/security_log.html",
        log=log,
        filters=filters,
        query=query(request.args),
        outcomes=list(LoginOutcome),
        problems=problems,
    )
    return page, 400 if problems else 200


@login_required_role(Role.CLIENT_ADMIN)
def security_log_csv() -> ResponseReturnValue:
    """GET: the same attempts as a CSV file, times in UTC, streamed as they are read."""
    filters, problems = read_filters(request.args)
    if problems:
        abort(400)  # a download cannot show why; the page with the same filters does
    scope = common.scope()
    statement = log_service.export_statement(
        get_session(), scope, filters, lookup_key=get_config().blind_index_key
    )
    applied = [name for name, value in vars(filters).items() if value]
    record_export(get_session(), scope, "login_log", filters=applied, actor=common.actor())

    @stream_with_context
    def body() -> Iterator[str]:
        # The request's own session is closed once the view returns, before the first
        # line is sent; the stream reads through the session of its re-entered context.
        entries = log_service.export_entries(get_session(), scope, statement)
        yield from csv_lines(CSV_HEADER, (_csv_row(entry) for entry in entries))

    response = Response(body(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="login-log.csv"'
    return response


def _csv_row(entry: log_service.LogEntry) -> tuple[str, ...]:
    return (
        entry.at.isoformat(),
        entry.outcome.value,
        entry.account_name or "",
        entry.account_email or "",
        entry.ip_address,
        entry.user_agent,
    )
