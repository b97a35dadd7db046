"""Keep private data out of the logs: a filter on every handler, installed by `create_app`.

Log lines carry IDs, never private fields, and the code is written that way; this
filter is the safety net for what slips through (a library's message, a
traceback quoting an input, an access log line with a query string). On each
record it:

- replaces anything shaped like an e-mail address or a phone number;
- cuts query strings off URLs ("/c/x/book?notes=..." becomes "/c/x/book?[query removed]");
- during a request, replaces every submitted form, query or JSON value (of four or
  more characters) wherever it appears in the message, the traceback or extra fields;
- withholds the result rows SQLAlchemy logs when its engine logger is at DEBUG.

The formatted message replaces the original format and arguments, so no handler
ever sees the raw values.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from flask import Flask, has_request_context, request

REDACTED = "[redacted]"
ROW_WITHHELD = "Row [withheld: rows may hold private fields]"
#: Shorter submitted values (e.g. "on", "1") are too common to replace.
MIN_VALUE_LENGTH = 4

EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
#: Seven or more digits in groups that phone numbers use; not inside words or IDs,
#: not ISO dates, not IPv4 addresses.
PHONE = re.compile(
    r"(?<![\w.:/-])"
    r"(?!\d{4}-\d{2}-\d{2})(?!\d{1,3}(?:\.\d{1,3}){3}(?![\d.]))"
    r"\+?\(?\d[\d ().-]{5,}\d(?![\w-])"
)
QUERY = re.compile(r"(/[^\s?\"'<>]*)\?[^\s\"'<>]+")
#: A path segment that is itself a secret: the token of a password-reset link.
SECRET_PATH = re.compile(r"(/reset-password/)[^\s/?\"'<>]+")

#: Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "safeslot_redacted",
}


def _phone(match: re.Match[str]) -> str:
    return REDACTED if sum(c.isdigit() for c in match.group()) >= 7 else match.group()


def redact(text: str, values: tuple[str, ...] = ()) -> str:
    """`text` with e-mail addresses, phone numbers, query strings and `values` replaced."""
    for value in values:
        text = text.replace(value, REDACTED)
    text = EMAIL.sub(REDACTED, text)
    text = PHONE.sub(_phone, text)
    text = SECRET_PATH.sub(r"\1[token removed]", text)
    return QUERY.sub(r"\1?[query removed]", text)


def submitted_values() -> tuple[str, ...]:
    """Every form, query and JSON string value of the current request, longest first."""
    if not has_request_context():
        return ()
    try:
        found = {*_strings(request.args.lists()), *_strings(request.form.lists())}
        if request.is_json:
            found.update(_json_strings(request.get_json(silent=True)))
    except Exception:  # noqa: BLE001  (a log line must never fail on a malformed request)
        return ()
    return tuple(sorted((v for v in found if len(v) >= MIN_VALUE_LENGTH), key=len, reverse=True))


def _strings(pairs) -> Iterator[str]:
    for _key, values in pairs:
        yield from (value.strip() for value in values)


def _json_strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value.strip()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield str(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


class RedactPrivateData(logging.Filter):
    """Rewrites each record without private values; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "safeslot_redacted", False):
            return True
        if record.name.startswith("sqlalchemy.engine") and str(record.msg).startswith("Row "):
            # Result rows (logged at DEBUG) are the data itself: never write them out.
            record.msg, record.args = ROW_WITHHELD, ()
        values = submitted_values()
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001  (a broken format string: keep only its template)
            message = str(record.msg)
        record.msg, record.args = redact(message, values), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, values)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, values)
        for name, value in list(vars(record).items()):
            if name not in _STANDARD and isinstance(value, str):
                setattr(record, name, redact(value, values))
        record.safeslot_redacted = True
        return True


def install(app: Flask) -> None:
    """Add the filter to every handler that exists now: the root's, the app's, and any
    other logger's (a server's access log, say). Installing twice adds it once."""
    loggers = [logging.getLogger(), app.logger]
    loggers += [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, RedactPrivateData) for f in handler.filters):
                handler.addFilter(RedactPrivateData())
