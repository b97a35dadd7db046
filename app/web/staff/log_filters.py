"""Reading the login log's filters from the query string, saying what could not be read."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Mapping
from datetime import date

from app.errors import NotFound
from app.models import LoginOutcome
from app.services.login_log import LogFilter

#: The query-string names the log's filter form and links use.
NAMES = ("outcome", "account", "email", "from", "to", "ip")


def read_filters(args: Mapping[str, str]) -> tuple[LogFilter, list[str]]:
    """The filters in `args`, and a sentence for each one that was ignored because unreadable."""
    problems: list[str] = []
    outcome = _outcome(args.get("outcome", ""), problems)
    first_day = _day(args.get("from", ""), "first", problems)
    last_day = _day(args.get("to", ""), "last", problems)
    if first_day and last_day and first_day > last_day:
        problems.append("The first day is after the last day; showing every day.")
        first_day = last_day = None
    filters = LogFilter(
        outcome=outcome,
        account_id=_account(args.get("account", "")),
        email=args.get("email", "").strip(),
        first_day=first_day,
        last_day=last_day,
        ip_address=_ip(args.get("ip", ""), problems),
    )
    return filters, problems


def query(args: Mapping[str, str]) -> dict[str, str]:
    """The filters as given, for links to other pages of the log and to its export."""
    return {name: args[name] for name in NAMES if args.get(name)}


def page_number(args: Mapping[str, str]) -> int:
    """The page asked for; anything unreadable is the first."""
    value = args.get("page", "")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def _outcome(value: str, problems: list[str]) -> LoginOutcome | None:
    if not value:
        return None
    try:
        return LoginOutcome(value)
    except ValueError:
        problems.append("Choose an outcome from the list; showing every outcome.")
        return None


def _day(value: str, which: str, problems: list[str]) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        problems.append(f"“{value}” is not a date we can read; ignoring the {which} day.")
        return None


def _account(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        raise NotFound from None  # like a guessed ID: there is no such account here


def _ip(value: str, problems: list[str]) -> str:
    value = value.strip()
    if not value:
        return ""
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        problems.append(f"“{value}” is not an IP address; showing every address.")
        return ""
