"""CSV downloads that are safe to open in a spreadsheet.

A cell that begins with = + - @ (or a tab or carriage return) is read by
spreadsheet programs as a formula, and several values in our exports are typed
by strangers (a user agent, a name). Such cells get a leading single quote, as
OWASP advises for CSV injection, so they open as the text they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from itertools import chain

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """`value` as text that no spreadsheet will evaluate."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """The header, then each row, as CSV lines (RFC 4180 quoting and line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for cells in chain([header], rows):
        writer.writerow([safe_cell(cell) for cell in cells])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
