"""Feed tokens: long enough never to be guessed, and kept only as a SHA-256."""

import hashlib

from app.services.feed_tokens import new_token, token_hash


def test_a_token_carries_at_least_128_random_bits_and_each_is_new():
    tokens = {new_token() for _ in range(100)}

    assert len(tokens) == 100
    # URL-safe base64: 6 bits per character.
    assert all(len(token) * 6 >= 128 for token in tokens)


def test_only_the_sha256_of_a_token_is_stored():
    token = new_token()

    assert token_hash(token) == hashlib.sha256(token.encode()).hexdigest()
    assert token not in token_hash(token)
