"""Which tables hold private columns, as plain Core tables for key administration.

Key administration reads and writes ciphertext as it is stored, so it uses
lightweight tables whose private columns are plain TEXT: the `EncryptedText`
type of the models (rightly) refuses to write anything the ORM did not seal.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from app.crypto.envelope import HEADER_LENGTH, PREFIX, key_header
from app.crypto.events import OWNER_VIA_PARENT
from app.crypto.types import EncryptedText
from app.db import Base


@dataclass(frozen=True)
class PrivateTable:
    """One table with private columns, and how to find each row's client."""

    name: str
    table: sa.TableClause
    columns: tuple[str, ...]
    owner: sa.ColumnElement[uuid.UUID | None]

    def uses_key(self, key_id: uuid.UUID) -> sa.ColumnElement[bool]:
        """Rows with at least one value sealed by `key_id`."""
        pattern = key_header(key_id) + "%"
        return sa.or_(*(self.table.c[c].like(pattern) for c in self.columns))

    def key_column(self, column: str) -> sa.ColumnElement[str]:
        """The hex key id of a stored value (NULL stays NULL)."""
        start, length = len(PREFIX) + 1, HEADER_LENGTH - len(PREFIX) - 1
        return sa.func.substr(self.table.c[column], start, length)


def private_tables() -> list[PrivateTable]:
    """Every mapped table with `EncryptedText` columns."""
    import app.models  # noqa: F401  (registers every table)

    found = []
    for table in Base.metadata.sorted_tables:
        columns = tuple(c.name for c in table.columns if isinstance(c.type, EncryptedText))
        if columns:
            found.append(_private_table(table, columns))
    return found


def _private_table(table: sa.Table, columns: tuple[str, ...]) -> PrivateTable:
    via = OWNER_VIA_PARENT.get(table.name)
    link = via[1] if via else "client_id"
    lite = sa.table(
        table.name,
        sa.column("id", sa.Uuid()),
        sa.column(link, sa.Uuid()),
        *(sa.column(c, sa.Text()) for c in columns),
    )
    if via is None:
        return PrivateTable(table.name, lite, columns, lite.c.client_id)
    parent = sa.table(via[0], sa.column("id", sa.Uuid()), sa.column("client_id", sa.Uuid()))
    owner = sa.select(parent.c.client_id).where(parent.c.id == lite.c[link]).scalar_subquery()
    return PrivateTable(table.name, lite, columns, owner)


def key_usage(connection: sa.Connection) -> dict[uuid.UUID, dict[str, int]]:
    """Rows per data key and table (a row counts once per key it uses)."""
    usage: dict[uuid.UUID, dict[str, int]] = {}
    for private in private_tables():
        key_columns = [private.key_column(c).label(c) for c in private.columns]
        stmt = sa.select(*key_columns, sa.func.count().label("rows")).group_by(*key_columns)
        for row in connection.execute(stmt):
            for key_id in _distinct_keys(row[:-1]):
                per_table = usage.setdefault(key_id, {})
                per_table[private.name] = per_table.get(private.name, 0) + row.rows
    return usage


def _distinct_keys(values: tuple[str | None, ...]) -> Iterator[uuid.UUID]:
    for value in {v for v in values if v}:
        try:
            yield uuid.UUID(hex=value)
        except ValueError:
            continue  # not a ciphertext: a row the migration has not converted


def key_owners(connection: sa.Connection) -> dict[uuid.UUID, uuid.UUID | None]:
    """Every data key the stored values name, with the client owning those rows (full scans)."""
    owners: dict[uuid.UUID, uuid.UUID | None] = {}
    for private in private_tables():
        for column in private.columns:
            key_column = private.key_column(column)
            stmt = sa.select(key_column, private.owner).where(key_column.is_not(None)).distinct()
            for hex_id, owner in connection.execute(stmt):
                for key_id in _distinct_keys((hex_id,)):
                    owners.setdefault(key_id, owner)
    return owners
