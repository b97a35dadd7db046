"""Password hashing: bcrypt over a peppered HMAC of the password. Plain functions, no Flask.

The password is NFKC-normalised (so the same characters typed differently match), then
HMAC-SHA256 under the pepper (a secret held outside the database, so a stolen table alone
cannot be attacked offline), then base64-encoded (44 bytes: under bcrypt's 72-byte limit,
and free of NUL bytes), then hashed with bcrypt at the configured cost.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata

import bcrypt


def _prehash(password: str, pepper: bytes) -> bytes:
    normalised = unicodedata.normalize("NFKC", password).encode("utf-8")
    return base64.b64encode(hmac.new(pepper, normalised, hashlib.sha256).digest())


def hash_password(password: str, pepper: bytes, cost: int) -> str:
    """A bcrypt hash of `password` (peppered) at `cost` rounds."""
    return bcrypt.hashpw(_prehash(password, pepper), bcrypt.gensalt(rounds=cost)).decode("ascii")


def verify_password(password: str, password_hash: str, pepper: bytes) -> bool:
    """True if `password` matches `password_hash`; False for a wrong or malformed hash."""
    try:
        return bcrypt.checkpw(_prehash(password, pepper), password_hash.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return False


def hash_cost(password_hash: str) -> int | None:
    """The bcrypt cost recorded in a hash, or None if it is not a bcrypt hash."""
    parts = password_hash.split("$")
    if len(parts) != 4 or not parts[2].isdigit():
        return None
    return int(parts[2])


def needs_rehash(password_hash: str, cost: int) -> bool:
    """True if the hash was made at a different cost than the configured one."""
    return hash_cost(password_hash) != cost
