"""Reading the Access history's filters from the query string, saying what was ignored."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import date

from app.errors import NotFound
from app.services.access_history import HistoryFilter

#: The query-string names the history's filter form and links use.
NAMES = ("user", "customer", "record", "action", "from", "to")
_ACTION = re.compile(r"[a-z_]+(\.[a-z_]+)*")
_RECORD = re.compile(r"[A-Za-z0-9-]{1,64}")


def read_filters(args: Mapping[str, str]) -> tuple[HistoryFilter, list[str]]:
    """The filters in `args`, and a sentence for each one ignored because unreadable."""
    problems: list[str] = []
    first_day = _day(args.get("from", ""), "first", problems)
    last_day = _day(args.get("to", ""), "last", problems)
    if first_day and last_day and first_day > last_day:
        problems.append("The first day is after the last day; showing every day.")
        first_day = last_day = None
    filters = HistoryFilter(
        actor_id=_id(args.get("user", "")),
        customer_id=_id(args.get("customer", "")),
        record_id=_record(args.get("record", ""), problems),
        action=_action(args.get("action", ""), problems),
        first_day=first_day,
        last_day=last_day,
    )
    return filters, problems


def query(args: Mapping[str, str]) -> dict[str, str]:
    """The filters as given, for links to other pages of the history and to its export."""
    return {name: args[name] for name in NAMES if args.get(name)}


def page_number(args: Mapping[str, str]) -> int:
    """The page asked for; anything unreadable is the first."""
    value = args.get("page", "")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def _id(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        raise NotFound from None  # like a guessed ID: there is nobody like that here


def _record(value: str, problems: list[str]) -> str:
    value = value.strip()
    if not value:
        return ""
    try:
        return str(uuid.UUID(value))  # the form `record` stores, whatever was pasted
    except ValueError:
        pass
    if _RECORD.fullmatch(value):
        return value
    problems.append("A record ID has only letters, digits and dashes; showing every record.")
    return ""


def _action(value: str, problems: list[str]) -> str:
    if not value or _ACTION.fullmatch(value):
        return value
    problems.append("Choose an action from the list; showing every action.")
    return ""


def _day(value: str, which: str, problems: list[str]) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        problems.append(f"“{value}” is not a date we can read; ignoring the {which} day.")
        return None
