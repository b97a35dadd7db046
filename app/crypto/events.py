"""Sealing on flush and opening on load: the ORM side of transparent field encryption.

Models declare private columns with `EncryptedText` (app.crypto.types); their
attributes read and write plain `str`. A type alone cannot do the encryption:
it sees one value, never the row, yet each ciphertext must be bound to its
client, table, column and row id, and sealed with that client's key. Mapper
events see the whole row, so they do the work:

- `before_insert` / `before_update` seal each new value with the owner's active
  data key and keep it in the attribute as a `SealedText`: still the plain
  string for the code, with the ciphertext the column type writes;
- `load` / `refresh` open every value read from the database, with keys from
  the per-process cache of the keyring (app.crypto.keyring).

A value whose key was shredded opens as `UNREADABLE`, so pages show a
placeholder; anything else that fails to open (altered, copied from another
row, column or tenant, unknown key) raises a `FieldCryptoError` naming IDs only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, event, select
from sqlalchemy.orm import InstanceState, Mapper, Session, SessionTransaction

from app.crypto.envelope import FieldContext, key_id_of, open_sealed, seal
from app.crypto.errors import FieldCryptoError, FieldTooLong, TamperedCiphertext
from app.crypto.keyring import OpenKey, keyring_for
from app.crypto.types import Ciphertext, EncryptedText, SealedText
from app.db import Base


class Unreadable(str):
    """What a field reads as once its client's keys were shredded."""


#: The neutral placeholder pages show for a crypto-shredded value.
UNREADABLE = Unreadable("(unavailable)")

#: Rows without their own client_id: whose client they belong to, via which parent.
OWNER_VIA_PARENT = {"appointment_status_changes": ("appointments", "appointment_id")}

_SEALING_KEYS = "safeslot.sealing_keys"
_FIELDS: dict[Mapper[Any], tuple[EncryptedField, ...]] = {}


@dataclass(frozen=True)
class EncryptedField:
    """One private column of a mapped class."""

    attribute: str
    column: str
    max_length: int | None


def encrypted_fields(mapper: Mapper[Any]) -> tuple[EncryptedField, ...]:
    """The private columns of a mapper (cached on it)."""
    found = _FIELDS.get(mapper)
    if found is None:
        found = tuple(
            EncryptedField(prop.key, column.name, column.type.max_length)
            for prop in mapper.column_attrs
            for column in prop.columns[:1]
            if isinstance(column.type, EncryptedText)
        )
        _FIELDS[mapper] = found
    return found


def install_field_encryption() -> None:
    """Attach the listeners to every mapped class (idempotent)."""
    if event.contains(Base, "load", _on_load):
        return
    event.listen(Base, "load", _on_load, raw=True, propagate=True)
    event.listen(Base, "refresh", _on_refresh, raw=True, propagate=True)
    event.listen(Base, "before_insert", _before_insert, raw=True, propagate=True)
    event.listen(Base, "before_update", _before_update, raw=True, propagate=True)
    event.listen(Session, "after_transaction_end", _forget_sealing_keys)


# -- opening ------------------------------------------------------------------------------


def _on_load(state: InstanceState[Any], _context: Any) -> None:
    _open_all(state)


def _on_refresh(state: InstanceState[Any], _context: Any, _attrs: Any) -> None:
    _open_all(state)


def _open_all(state: InstanceState[Any]) -> None:
    values = state.dict
    for f in encrypted_fields(state.mapper):
        value = values.get(f.attribute)
        # Only values just read are `Ciphertext`; opened ones are plain `str` already.
        if isinstance(value, Ciphertext):
            values[f.attribute] = open_field(state.session, state, f, value)


def open_field(session: Session, state: InstanceState[Any], f: EncryptedField, value: str) -> str:
    """The plaintext of one stored value of `state`'s row."""
    # The session's connection is asked for only when the key is not cached yet.
    keyring = keyring_for(session.get_bind())
    key = keyring.opening_key(session.connection, key_id_of(value))
    if key.key is None:
        return UNREADABLE
    values = state.dict
    if "client_id" in values and values["client_id"] != key.client_id:
        raise TamperedCiphertext(
            f"{state.mapper.local_table.name}.{f.column} of row {values.get('id')} "
            "is sealed with another tenant's key"
        )
    return open_sealed(value, key=key.key, context=_context(state, f, key.client_id))


def _context(state: InstanceState[Any], f: EncryptedField, client_id: Any) -> FieldContext:
    return FieldContext(client_id, state.mapper.local_table.name, f.column, _row_id(state))


def _row_id(state: InstanceState[Any]) -> uuid.UUID:
    # An expired row keeps its id in the identity key.
    row_id = state.dict.get("id")
    return row_id if row_id is not None else state.key[1][0]


# -- sealing ------------------------------------------------------------------------------


def _before_insert(mapper: Mapper[Any], connection: Connection, state: InstanceState[Any]) -> None:
    fields = encrypted_fields(mapper)
    if not fields:
        return
    if state.dict.get("id") is None:
        # The row id is part of the associated data, so it must exist before the INSERT.
        state.obj().id = uuid.uuid4()
    _seal_fields(connection, state, fields)


def _before_update(mapper: Mapper[Any], connection: Connection, state: InstanceState[Any]) -> None:
    fields = encrypted_fields(mapper)
    if fields and _moves_tenant(state):
        # Every stored value is bound to the old client and sealed with its key.
        raise FieldCryptoError(
            f"{mapper.local_table.name} row {_row_id(state)} cannot move to another client"
        )
    changed = tuple(f for f in fields if f.attribute in state.committed_state)
    if changed:
        _seal_fields(connection, state, changed)


def _moves_tenant(state: InstanceState[Any]) -> bool:
    if "client_id" not in state.committed_state:
        return False
    before = state.committed_state["client_id"]
    return isinstance(before, uuid.UUID) and before != state.dict.get("client_id")


def _seal_fields(
    connection: Connection, state: InstanceState[Any], fields: tuple[EncryptedField, ...]
) -> None:
    values = state.dict
    key: OpenKey | None = None
    for f in fields:
        plain = values.get(f.attribute)
        if plain is None or isinstance(plain, Unreadable):
            continue  # a placeholder stays unsealed, so the column type refuses to write it
        if not isinstance(plain, str):
            raise TypeError(f"{f.column} takes a str, not {type(plain).__name__}")
        if f.max_length is not None and len(plain) > f.max_length:
            raise FieldTooLong(f"{f.column} is longer than {f.max_length} characters")
        key = key or _sealing_key(connection, state)
        context = _context(state, f, key.client_id)
        values[f.attribute] = SealedText(
            str(plain), seal(str(plain), key=key.key, key_id=key.key_id, context=context)
        )


def _sealing_key(connection: Connection, state: InstanceState[Any]) -> OpenKey:
    """The owner's active key, asked of the database once per transaction."""
    client_id = _owner(connection, state)
    memo = state.session.info.setdefault(_SEALING_KEYS, {}) if state.session else {}
    if client_id not in memo:
        memo[client_id] = keyring_for(connection).sealing_key(connection, client_id)
    return memo[client_id]


def _owner(connection: Connection, state: InstanceState[Any]) -> uuid.UUID | None:
    table = state.mapper.local_table
    via = OWNER_VIA_PARENT.get(table.name)
    if via is None:
        if "client_id" in state.dict:
            return state.dict["client_id"]
        # Expired (e.g. by an earlier bulk update): read it without touching the session.
        return connection.scalar(select(table.c.client_id).where(table.c.id == _row_id(state)))
    parent_name, column = via
    parent = table.metadata.tables[parent_name]
    parent_id = state.dict.get(column)
    if parent_id is None:
        parent_id = connection.scalar(select(table.c[column]).where(table.c.id == _row_id(state)))
    return connection.scalar(select(parent.c.client_id).where(parent.c.id == parent_id))


def _forget_sealing_keys(session: Session, _transaction: SessionTransaction) -> None:
    # A key created in a rolled-back transaction (or savepoint) must not seal anything later.
    session.info.pop(_SEALING_KEYS, None)
