"""Rate limits counted in Redis are shared by every web process."""

import random

import pytest

from app import create_app
from app.db import get_db
from tests.settings import redis_url
from tests.web.forms import csrf_token

pytestmark = pytest.mark.redis


def test_two_app_processes_share_one_sign_in_count_in_redis(config, make_client, request):
    shared = config.with_overrides(ratelimit_enabled=True, ratelimit_storage_uri=redis_url())
    first, second = create_app(shared), create_app(shared)
    for app in (first, second):
        request.addfinalizer(get_db(app).engine.dispose)
    business = make_client()
    # A fresh address per run: counts other runs left in the same Redis never interfere.
    address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
    codes = []
    for i in range(11):
        app = first if i % 2 else second
        client = app.test_client()
        token = csrf_token(client, f"/c/{business.slug}/signin")
        response = client.post(
            f"/c/{business.slug}/signin",
            data={"email": f"x{i}@example.org", "password": "wrong one", "csrf_token": token},
            environ_base={"REMOTE_ADDR": address},
        )
        codes.append(response.status_code)
    assert codes[:10] == [401] * 10 and codes[10] == 429
