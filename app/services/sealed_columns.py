"""Private columns read and written by Core statements, one client's rows at a time.

Loading an entity opens every private column it holds (app.crypto.events). A
query that needs one private value of thousands of rows (a customer's name for a
feed) selects that column alone and opens it here instead, with the same keys,
associated data and shredding placeholder; bulk writes seal their values here.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.crypto.envelope import HEADER_LENGTH, FieldContext, key_id_of, open_sealed, seal
from app.crypto.errors import TamperedCiphertext
from app.crypto.events import UNREADABLE
from app.crypto.keyring import OpenKey, keyring_for
from app.crypto.types import SealedText


class Opener:
    """Opens values sealed for rows of one client, during one request or task.

    Keys come from the process's keyring, and each is looked up there once: an
    opener opens thousands of values within a moment.
    """

    def __init__(self, session: Session, client_id: uuid.UUID) -> None:
        self._session = session
        self._keyring = keyring_for(session.get_bind())
        self._client_id = client_id
        self._keys: dict[str, OpenKey] = {}

    def open(self, ciphertext: str, *, table: str, column: str, row_id: uuid.UUID) -> str:
        """The plaintext, or `UNREADABLE` once the client's key was shredded."""
        header = ciphertext[:HEADER_LENGTH]
        key = self._keys.get(header)
        if key is None:
            key_id = key_id_of(ciphertext)
            key = self._keyring.opening_key(self._session.connection, key_id)
            self._keys[header] = key
        if key.key is None:
            return UNREADABLE
        if key.client_id != self._client_id:
            raise TamperedCiphertext(f"{table}.{column} of row {row_id} has another tenant's key")
        context = FieldContext(self._client_id, table, column, row_id)
        return open_sealed(ciphertext, key=key.key, context=context)


class Sealer:
    """Seals values for rows of one client with its active key (asked for once)."""

    def __init__(self, session: Session, client_id: uuid.UUID) -> None:
        self._session = session
        self._client_id = client_id
        self._key: OpenKey | None = None

    def seal(self, plaintext: str, *, table: str, column: str, row_id: uuid.UUID) -> SealedText:
        """`plaintext` with its ciphertext, as an `EncryptedText` column accepts it."""
        if self._key is None:
            connection = self._session.connection()
            self._key = keyring_for(connection).sealing_key(connection, self._client_id)
        context = FieldContext(self._client_id, table, column, row_id)
        sealed = seal(plaintext, key=self._key.key, key_id=self._key.key_id, context=context)
        return SealedText(plaintext, sealed)
