"""Redis at the configured URL answers, and the configuration routes Celery to it."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from app.config import load_config
from tests.settings import environ_for_tests, redis_url

pytestmark = pytest.mark.redis


def test_redis_answers_ping_at_the_configured_url(tmp_path: Path) -> None:
    config = load_config(environ_for_tests(REDIS_URL=redis_url()), instance_path=tmp_path)
    assert config.celery_broker_url == config.redis_url == redis_url()
    connection = redis.Redis.from_url(config.redis_url)
    try:
        assert connection.ping() is True
    finally:
        connection.close()
