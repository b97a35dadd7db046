"""Driving the two-step sign-in pages: a settable clock, and reading codes off the pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.factories import DEFAULT_PASSWORD
from tests.second_factor import SECRET, START, app_code
from tests.web.forms import submit

#: Every module whose views read the clock on these paths.
CLOCK_USERS = (
    "app.web.session_guard",
    "app.web.password_gate",
    "app.web.accounts",
    "app.web.two_factor.signin_code",
    "app.web.two_factor.account",
)
_RECOVERY_CODE = re.compile(r"<code>([A-Z2-7]{5}-[A-Z2-7]{5})</code>")
_SECRET = re.compile(r'<code class="secret-key">([A-Z2-7]{32})</code>')


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self):
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """The time every page sees; starts at the first second of a 30-second step."""
    clock = Clock()
    for module in CLOCK_USERS:
        monkeypatch.setattr(f"{module}.utcnow", clock)
    return clock


def signin_path(user) -> str:
    return f"/c/{user.client.slug}/signin"


def code_path(user) -> str:
    return f"/c/{user.client.slug}/signin/code"


def password_step(client, user, password: str = DEFAULT_PASSWORD, next_url: str | None = None):
    """Submit the sign-in form; with a second factor this leads to the code page."""
    path = signin_path(user) + (f"?next={next_url}" if next_url else "")
    data = {"email": user.email, "password": password}
    return submit(client, path, data)


def code_step(client, user, code: str):
    """Submit the code page."""
    return submit(client, code_path(user), {"code": code})


def recovery_codes_on(page: str) -> list[str]:
    """The recovery codes a page shows."""
    return _RECOVERY_CODE.findall(page)


def secret_on(page: str) -> str:
    """The secret the enrolment page shows for typing in by hand."""
    match = _SECRET.search(page)
    assert match, "no secret on the page"
    return match.group(1)


def sign_in_with_code(client, user, clock: Clock, secret: str = SECRET):
    """Sign in through both steps; moves the clock to the next step first, since a code
    of a step already used is refused."""
    clock.advance(seconds=30)
    assert password_step(client, user).headers["Location"].endswith(code_path(user))
    response = code_step(client, user, app_code(clock.now, secret))
    assert response.status_code == 302, response.get_data(as_text=True)
    return response
