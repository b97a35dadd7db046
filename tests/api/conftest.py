"""A client with a 30-minute service on a Mon-Fri 09:00-17:00 schedule, and a fixed clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

#: A Saturday morning; the factories' default start (Monday 2031-03-03 10:00 UTC) is ahead.
NOW = datetime(2031, 3, 1, 8, 0, 13, tzinfo=UTC)
MONDAY_10 = datetime(2031, 3, 3, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """The API's clock reads NOW."""
    for module in ("app.api.availability", "app.api.appointments"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: NOW)
    return NOW


@dataclass
class World:
    client: Any
    service: Any
    schedule: Any
    customer: Any

    @property
    def base(self) -> str:
        return f"/api/v1/clients/{self.client.slug}"


@pytest.fixture
def world(make_client, make_service, make_schedule, make_user) -> World:
    client = make_client()
    service = make_service(client=client, duration_minutes=30)
    schedule = make_schedule(client=client, services=[service], min_notice_minutes=120)
    return World(client, service, schedule, make_user(client=client))
