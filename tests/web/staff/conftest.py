"""Fixtures of the staff page tests: a set-up client, and the pages' clock set to `NOW`."""

from __future__ import annotations

import pytest

from tests.web.staff.helpers import NOW, make_team


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """The staff pages think it is `NOW` (the Friday before the factories' Monday)."""
    monkeypatch.setattr("app.web.staff.common.now", lambda: NOW)


@pytest.fixture
def team(make_client, make_user, make_service, make_schedule):
    return make_team(make_client, make_user, make_service, make_schedule)
