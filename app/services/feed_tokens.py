"""Feed tokens: made with enough randomness, stored only as a hash, looked up by it."""

from __future__ import annotations

import hashlib
import secrets

#: 32 random bytes (256 bits) written URL-safe: far past guessing.
TOKEN_BYTES = 32


def new_token() -> str:
    """A fresh token for a feed URL; only its hash is ever stored."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """Hex SHA-256 of `token`: what the database and the rate limiter keep."""
    return hashlib.sha256(token.encode()).hexdigest()
