"""Fixtures of the platform page tests: the pages' clock at `NOW`, a team and support staff."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.models import Role, User
from tests.web.staff.helpers import MONDAY, NOW, Team, make_team


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """Every page of these tests thinks it is `NOW` (the Friday before the factories' Monday)."""
    monkeypatch.setattr("app.web.platform.common.now", lambda: NOW)
    monkeypatch.setattr("app.web.staff.common.now", lambda: NOW)


@dataclass
class World:
    team: Team
    other: Team
    support: User
    platform_admin: User
    appointment: object
    other_appointment: object


@pytest.fixture
def world(db_session, make_client, make_user, make_service, make_schedule, make_appointment):
    """Two clients with records; a support person and a platform administrator."""
    team = make_team(make_client, make_user, make_service, make_schedule)
    other = make_team(make_client, make_user, make_service, make_schedule)
    team.customer.email = "jane.private@example.com"
    team.customer.phone = "+44 20 7946 0958"
    db_session.commit()
    appointment = make_appointment(
        schedule=team.schedule,
        service=team.service,
        customer=team.customer,
        start_at=MONDAY.replace(hour=10),
        notes="Worried about the test results",
        contact_phone="+44 7700 900123",
    )
    other_appointment = make_appointment(
        schedule=other.schedule,
        service=other.service,
        customer=other.customer,
        start_at=MONDAY.replace(hour=11),
    )
    return World(
        team=team,
        other=other,
        support=make_user(role=Role.SUPPORT, display_name="Sam Support"),
        platform_admin=make_user(role=Role.PLATFORM_ADMIN, display_name="Pat Platform"),
        appointment=appointment,
        other_appointment=other_appointment,
    )
