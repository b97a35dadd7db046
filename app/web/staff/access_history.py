"""Access history: who opened or changed what in the client's records, on pages or as CSV."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, abort, render_template, request, stream_with_context
from flask.typing import ResponseReturnValue

from app.access import login_required_role
from app.db import get_session
from app.models import Role
from app.services import access_history as history_service
from app.services.record_views import record_export
from app.services.staff_accounts import team
from app.web.csv_export import csv_lines
from app.web.staff import common
from app.web.staff.access_history_filters import page_number, query, read_filters

CSV_HEADER = (
    "time_utc",
    "sequence",
    "action",
    "actor_id",
    "actor_name",
    "actor_role",
    "object_type",
    "object_id",
    "fields",
    "ip_address",
    "flagged",
)


@login_required_role(Role.CLIENT_ADMIN)
def access_history() -> ResponseReturnValue:
    """GET: the client's audit events, newest first, 50 a page, narrowed by the filters."""
    filters, problems = read_filters(request.args)
    session = get_session()
    history = history_service.page(
        session, common.scope(), filters, number=page_number(request.args)
    )
    page = render_template(
        "staff/access_history.html",
        history=history,
        filters=filters,
        query=query(request.args),
        people=team(session, common.scope()),
        labels=history_service.ACTION_LABELS,
        problems=problems,
    )
    return page, 400 if problems else 200


@login_required_role(Role.CLIENT_ADMIN)
def access_history_csv() -> ResponseReturnValue:
    """GET: the same events as a CSV file, times in UTC; the download itself is audited."""
    filters, problems = read_filters(request.args)
    if problems:
        abort(400)  # a download cannot show why; the page with the same filters does
    scope = common.scope()
    statement = history_service.export_statement(get_session(), scope, filters)
    record_export(
        get_session(), scope, "access_history", filters=filters.applied(), actor=common.actor()
    )

    @stream_with_context
    def body() -> Iterator[str]:
        # The request's own session is closed once the view returns; the stream reads
        # through the session of its re-entered context.
        entries = history_service.export_entries(get_session(), scope, statement)
        yield from csv_lines(CSV_HEADER, (_csv_row(entry) for entry in entries))

    response = Response(body(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="access-history.csv"'
    return response


def _csv_row(entry: history_service.HistoryEntry) -> tuple[str, ...]:
    return (
        entry.at.isoformat(),
        str(entry.seq),
        entry.action,
        str(entry.actor_id or ""),
        entry.actor_name or "",
        entry.actor_role or "",
        entry.object_type or "",
        entry.object_id or "",
        " ".join(entry.fields),
        entry.ip_address or "",
        "yes" if entry.flagged else "no",
    )
