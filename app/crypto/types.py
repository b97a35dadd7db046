"""The column type of private fields: holds ciphertext, refuses anything unsealed.

A SQLAlchemy type sees one value at a time, never the row it belongs to, so it
cannot know the client and row id the ciphertext must be bound to. The sealing
therefore happens one step earlier, in mapper events (app.crypto.events), which
see the whole row; this type is the guard behind them: a plain `str` reaching the
database through it (a Core UPDATE, a WHERE clause comparing a private column)
raises `UnsealedValue` instead of writing or leaking plaintext.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from app.crypto.errors import UnsealedValue


class SealedText(str):
    """A plaintext string that also carries its ciphertext for one row and column.

    The ORM keeps it as the attribute's value, so code reads plain text while the
    flush writes `ciphertext`.
    """

    ciphertext: str

    def __new__(cls, plaintext: str, ciphertext: str) -> SealedText:
        value = super().__new__(cls, plaintext)
        value.ciphertext = ciphertext
        return value

    def __reduce__(self) -> tuple[Any, ...]:
        # Copies and pickles are plain strings: a ciphertext belongs to one row only.
        return (str, (str(self),))


class Ciphertext(str):
    """A value as stored, before the load event opens it."""


class EncryptedText(TypeDecorator[str]):
    """TEXT holding a sealed private value; `max_length` bounds the plaintext (characters).

    With `sqlite_varchar`, the column stays VARCHAR(max_length) on SQLite, as it was
    declared before encryption: SQLite enforces no length, and changing a column's
    type there means rebuilding the table, which SQLite refuses inside a transaction
    for a table other rows refer to (users, appointments). PostgreSQL gets TEXT.
    """

    impl = Text
    cache_ok = True

    def __init__(self, max_length: int | None = None, *, sqlite_varchar: bool = False) -> None:
        super().__init__()
        self.max_length = max_length
        self.sqlite_varchar = sqlite_varchar

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if self.sqlite_varchar and dialect.name == "sqlite":
            return String(self.max_length)
        return Text()

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, SealedText):
            return value.ciphertext
        raise UnsealedValue(
            "a private column can be written only through the ORM (which encrypts it) "
            "and cannot be compared in SQL; filter in Python after a scoped query"
        )

    def process_result_value(self, value: Any, dialect: Dialect) -> Ciphertext | None:
        return None if value is None else Ciphertext(value)
