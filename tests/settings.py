"""The configuration tests run with: fixed keys, bcrypt cost 4, a temporary instance dir."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from sqlalchemy import make_url

from app.config import Config, load_config

TEST_SECRET_KEY = "test-secret-key-that-is-long-enough-0123456789"
TEST_BLIND_INDEX_KEY = bytes(range(32))
TEST_MASTER_KEY = bytes(range(32, 64))
#: Low cost keeps sign-in heavy tests fast; production keeps 12 (tested in test_config).
TEST_BCRYPT_COST = 4


def environ_for_tests(**overrides: str) -> dict[str, str]:
    """Environment variables of a test deployment (no real secrets anywhere)."""
    environ = {
        "SAFESLOT_ENV": "test",
        "SECRET_KEY": TEST_SECRET_KEY,
        "SAFESLOT_BLIND_INDEX_KEY": base64.b64encode(TEST_BLIND_INDEX_KEY).decode(),
        "SAFESLOT_MASTER_KEY": base64.b64encode(TEST_MASTER_KEY).decode(),
        "SAFESLOT_BCRYPT_COST": str(TEST_BCRYPT_COST),
    }
    environ.update(overrides)
    return environ


def make_test_config(*, instance_path: Path, database_url: str, **overrides: object) -> Config:
    """A `Config` for tests, with field overrides (e.g. `csrf_enabled=False`)."""
    config = load_config(environ_for_tests(DATABASE_URL=database_url), instance_path=instance_path)
    # Many tests sign in and book from one address in a moment; the rate-limit tests
    # switch limits back on.
    overrides = {"ratelimit_enabled": False, **overrides}
    return config.with_overrides(**overrides)


def postgres_url() -> str | None:
    """DATABASE_URL if it names a PostgreSQL database."""
    url = os.environ.get("DATABASE_URL")
    return url if url and make_url(url).get_backend_name() == "postgresql" else None


def redis_url() -> str | None:
    """REDIS_URL if set."""
    return os.environ.get("REDIS_URL") or None
