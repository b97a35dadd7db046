"""Envelope encryption of private fields: pure functions, no database.

A field is sealed with AES-256-GCM under its client's *data key*; data keys are
stored *wrapped* (AES-256-GCM again) under a *master key* that lives outside the
database. Ciphertext text format, version 1::

    ss1.<data key id, 32 hex>.<base64url(nonce 12 | ciphertext | tag 16)>

The version and key id are in clear so that keys can rotate (and rows can be
counted per key in SQL); both are also authenticated, because the associated
data starts with them. The associated data then binds the value to its client,
table, column and row id: a ciphertext copied anywhere else fails to open.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import os
import uuid
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.crypto.errors import MalformedCiphertext, TamperedCiphertext, UnknownMasterKey

FORMAT_VERSION = 1
PREFIX = "ss1."
#: Characters before the payload: version, key id and separators (used by SQL counts).
HEADER_LENGTH = len(PREFIX) + 32 + 1
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
#: Stands for the platform (users without a client) in associated data.
PLATFORM = "platform"


@dataclass(frozen=True)
class FieldContext:
    """Where a value lives: its client (None for the platform), table, column and row."""

    client_id: uuid.UUID | None
    table: str
    column: str
    row_id: uuid.UUID

    def associated_data(self, key_id: uuid.UUID) -> bytes:
        """The bytes GCM authenticates alongside the value (header first)."""
        owner = self.client_id.hex if self.client_id else PLATFORM
        parts = (f"v{FORMAT_VERSION}", key_id.hex, owner, self.table, self.column, self.row_id.hex)
        return "|".join(("safeslot.field", *parts)).encode()

    def describe(self) -> str:
        """IDs only, for error messages: never the value."""
        return f"{self.table}.{self.column} of row {self.row_id}"


def new_key() -> bytes:
    """A fresh random 256-bit key."""
    return AESGCM.generate_key(bit_length=256)


def key_header(key_id: uuid.UUID) -> str:
    """The clear prefix every ciphertext under `key_id` starts with."""
    return f"{PREFIX}{key_id.hex}."


def seal(plaintext: str, *, key: bytes | AESGCM, key_id: uuid.UUID, context: FieldContext) -> str:
    """Encrypt `plaintext` for `context` under the data key `key_id`."""
    nonce = os.urandom(NONCE_BYTES)  # fresh per encryption; 2**32 seals per key stay safe
    sealed = aead(key).encrypt(nonce, plaintext.encode(), context.associated_data(key_id))
    payload = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode()
    return key_header(key_id) + payload


def key_id_of(ciphertext: str) -> uuid.UUID:
    """The data key a ciphertext names; `MalformedCiphertext` if it is not one."""
    if not ciphertext.startswith(PREFIX) or ciphertext[HEADER_LENGTH - 1 : HEADER_LENGTH] != ".":
        raise MalformedCiphertext("not a version 1 field ciphertext")
    return _parse_key_id(ciphertext[len(PREFIX) : HEADER_LENGTH - 1])


@functools.lru_cache(maxsize=4096)
def _parse_key_id(hex_id: str) -> uuid.UUID:
    # Few keys, many values: parse each key id once.
    try:
        return uuid.UUID(hex=hex_id)
    except ValueError:
        raise MalformedCiphertext("the ciphertext's key id is not valid") from None


def aead(key: bytes | AESGCM) -> AESGCM:
    """An AES-256-GCM cipher for `key` (callers may keep one per key: it is reusable)."""
    return key if isinstance(key, AESGCM) else AESGCM(key)


def is_ciphertext(value: str) -> bool:
    """True when `value` looks like a sealed field (used to convert old plaintext rows)."""
    try:
        key_id_of(value)
    except MalformedCiphertext:
        return False
    return True


def open_sealed(ciphertext: str, *, key: bytes | AESGCM, context: FieldContext) -> str:
    """Decrypt a value sealed by `seal` for exactly this `context`, or raise."""
    key_id = key_id_of(ciphertext)
    payload = ciphertext[HEADER_LENGTH:]
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    except (binascii.Error, ValueError):
        raise MalformedCiphertext(f"{context.describe()}: payload is not base64") from None
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise MalformedCiphertext(f"{context.describe()}: ciphertext too short")
    nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    try:
        plain = aead(key).decrypt(nonce, sealed, context.associated_data(key_id))
    except InvalidTag:
        raise TamperedCiphertext(
            f"{context.describe()} failed authentication: altered, or copied from elsewhere"
        ) from None
    return plain.decode()


def master_key_id(master_key: bytes) -> str:
    """A public name of a master key: 16 hex digits of an HMAC, revealing nothing of it."""
    return hmac.new(master_key, b"safeslot.master-key-id.v1", hashlib.sha256).hexdigest()[:16]


def _wrap_aad(key_id: uuid.UUID, client_id: uuid.UUID | None) -> bytes:
    owner = client_id.hex if client_id else PLATFORM
    return f"safeslot.data-key|v{FORMAT_VERSION}|{key_id.hex}|{owner}".encode()


def wrap_key(
    data_key: bytes, *, master_key: bytes, key_id: uuid.UUID, client_id: uuid.UUID | None
) -> bytes:
    """The data key encrypted under the master key, bound to its id and owner."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(master_key).encrypt(nonce, data_key, _wrap_aad(key_id, client_id))


def unwrap_key(
    wrapped: bytes, *, master_key: bytes, key_id: uuid.UUID, client_id: uuid.UUID | None
) -> bytes:
    """Recover a data key from `wrap_key`'s output; `UnknownMasterKey` if the key is wrong."""
    nonce, sealed = wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:]
    try:
        return AESGCM(master_key).decrypt(nonce, sealed, _wrap_aad(key_id, client_id))
    except InvalidTag:
        raise UnknownMasterKey(
            f"data key {key_id} does not unwrap with the configured master key"
        ) from None
