"""Ordering by private fields, which happens in Python: SQL sees only ciphertext.

Call sites run their scoped query (a page-worth of rows), then sort here. Names
compare case-insensitively, as people expect of a list of names.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar


class Named(Protocol):
    display_name: str


N = TypeVar("N", bound=Named)


def name_key(person: Named) -> tuple[str, str]:
    """Sort key of a person by display name: case-insensitive, then exact."""
    return (person.display_name.casefold(), person.display_name)


def sorted_by_name(people: Iterable[N]) -> list[N]:
    """`people` ordered by display name (see `name_key`)."""
    return sorted(people, key=name_key)
