"""The agenda: a day or a week, one schedule or all, with requests waiting for approval."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from flask import render_template, request
from flask.typing import ResponseReturnValue

from app.access import login_required_role
from app.db import get_session
from app.errors import NotFound
from app.models import Role
from app.services.agenda import load_agenda
from app.web.staff import common

VIEWS = ("day", "week")


@login_required_role(Role.STAFF, Role.CLIENT_ADMIN)
def agenda() -> ResponseReturnValue:
    """GET /staff/agenda?view=day|week&date=YYYY-MM-DD&schedule=<id>|all"""
    view, raw_date = request.args.get("view", "day"), request.args.get("date", "")
    schedule_id = _schedule_id(request.args.get("schedule", "all"))
    day = _day(raw_date)
    problems = []
    if view not in VIEWS:
        problems.append("Choose the day or the week view; showing the day.")
        view = "day"
    if raw_date and day is None:
        problems.append(f"“{raw_date}” is not a date we can read; showing today.")
    shown = load_agenda(
        get_session(),
        common.scope(),
        schedule_id=schedule_id,
        day=day,
        week=view == "week",
        now=common.now(),
    )
    step = timedelta(days=7 if view == "week" else 1)
    page = render_template(
        "staff/agenda.html",
        agenda=shown,
        view=view,
        schedule_param=str(schedule_id) if schedule_id else "all",
        previous_day=shown.first_day - step,
        next_day=shown.first_day + step,
        problems=problems,
    )
    return page, 400 if problems else 200


def _schedule_id(value: str) -> uuid.UUID | None:
    if value in ("", "all"):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound from None  # like a guessed ID: there is nothing here


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
