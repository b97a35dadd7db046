"""Helpers for the staff pages: a team with a schedule, signing in, posting forms with CSRF."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.models import Client, Role, Schedule, Service, User
from tests.factories import DEFAULT_PASSWORD
from tests.services.staff_setup import fresh

#: A Monday in winter (London = UTC), inside the factories' default opening hours.
MONDAY = datetime(2031, 3, 3, tzinfo=UTC)
#: The clock the pages run on in these tests: the Friday before.
NOW = MONDAY - timedelta(days=3)

_TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


@dataclass
class Team:
    """One client with an admin, a staff member, a customer, a service and a schedule."""

    client: Client
    admin: User
    staff: User
    customer: User
    service: Service
    schedule: Schedule


def make_team(make_client, make_user, make_service, make_schedule, **schedule) -> Team:
    """A client set up for booking: Mon-Fri 09:00-17:00, 30-minute service, 15-minute step."""
    client = make_client()
    service = make_service(client=client, duration_minutes=30)
    return Team(
        client=client,
        admin=make_user(client=client, role=Role.CLIENT_ADMIN, display_name="Ada Admin"),
        staff=make_user(client=client, role=Role.STAFF, display_name="Sol Staff"),
        customer=make_user(client=client, display_name="Cara Customer"),
        service=service,
        schedule=make_schedule(client=client, services=[service], **schedule),
    )


def csrf_token(client: FlaskClient, path: str = "/staff/agenda") -> str:
    """A CSRF token from a page that renders forms (any one serves the whole session)."""
    page = client.get(path)
    match = _TOKEN.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({page.status_code})"
    return match.group(1)


def sign_in(client: FlaskClient, user: User) -> None:
    """Sign `user` in through their client's sign-in page."""
    path = f"/c/{user.client.slug}/signin"
    token = csrf_token(client, path)
    response = client.post(
        path, data={"email": user.email, "password": DEFAULT_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def post(client: FlaskClient, path: str, data: dict | None = None, **kwargs):
    """POST with a valid CSRF token."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client)}, **kwargs)


def count(session, model) -> int:
    """Rows of `model` (fresh from the database)."""
    fresh(session)
    return session.scalar(select(func.count()).select_from(model))


def text(response) -> str:
    return response.get_data(as_text=True)
