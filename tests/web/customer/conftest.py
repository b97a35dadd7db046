"""A client with one schedule and one service, a customer of it, and a fixed clock.

The pages read the clock through `utcnow` in their modules; the `now` fixture pins it
to Saturday 1 March 2031, 12:00 UTC, so Monday 3 March is bookable (London is on GMT
until 30 March, New York on EST until 9 March).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient

from app.models import Client, Schedule, Service, User
from tests.web.customer.pages import sign_in

NOW = datetime(2031, 3, 1, 12, 0, tzinfo=UTC)
MONDAY = "2031-03-03"
MONDAY_10 = datetime(2031, 3, 3, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def now(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Pin the clock the customer pages read."""
    monkeypatch.setattr("app.web.booking.utcnow", lambda: NOW)
    monkeypatch.setattr("app.web.customer.utcnow", lambda: NOW)
    return NOW


@dataclass
class Shop:
    """One client's bookable setup and a customer of it."""

    client: Client
    service: Service
    schedule: Schedule
    customer: User

    @property
    def slug(self) -> str:
        return self.client.slug

    def book_url(self, **params: str) -> str:
        query = {"service": str(self.service.id), "schedule": "any", **params}
        return f"/c/{self.slug}/book?" + "&".join(f"{k}={v}" for k, v in query.items())

    def confirm_url(self, start: str = "2031-03-03T10:00:00Z", **params: str) -> str:
        return self.book_url(start=start, **params).replace("/book?", "/book/confirm?")


@pytest.fixture
def shop(make_client, make_service, make_schedule, make_user) -> Shop:
    """Client "Riverside" (Europe/London): a 30-minute service on a Mon-Fri 9-17 schedule."""
    client = make_client(name="Riverside Clinic")
    service = make_service(client=client, name="First consultation", duration_minutes=30)
    schedule = make_schedule(client=client, name="Dr Adams", services=[service])
    customer = make_user(client=client)
    return Shop(client, service, schedule, customer)


@pytest.fixture
def customer_client(client: FlaskClient, shop: Shop) -> FlaskClient:
    """The test client, signed in as the shop's customer."""
    sign_in(client, shop.customer)
    return client
