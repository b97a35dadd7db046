"""Keyed blind index: look up an encrypted value by an HMAC of its normalised form."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata


def normalise_email(email: str) -> str:
    """The canonical form of an e-mail address for look-ups: NFKC, trimmed, lower case."""
    return unicodedata.normalize("NFKC", email).strip().lower()


def blind_index(value: str, key: bytes) -> str:
    """HMAC-SHA256 of `value` under `key`, as 64 hex digits."""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def email_lookup(email: str, key: bytes) -> str:
    """The blind index of an e-mail address (the `users.email_lookup` column)."""
    return blind_index(normalise_email(email), key)
