"""Driving the customer pages: CSRF tokens, signing in, links on a page, rows written."""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Appointment, AppointmentStatusChange, User
from tests.factories import DEFAULT_PASSWORD

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_HREF = re.compile(r'href="([^"]+)"')


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form served at `path`."""
    page = client.get(path)
    match = _TOKEN.search(page.text)
    assert match, f"no CSRF token on {path} ({page.status_code})"
    return match[1]


def hidden_fields(page_html: str) -> dict[str, str]:
    """The hidden inputs of a page (name -> value), as a browser would send them."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page_html):
        if 'type="hidden"' in tag:
            name = re.search(r'name="([^"]+)"', tag)
            value = re.search(r'value="([^"]*)"', tag)
            if name:
                fields[name[1]] = html.unescape(value[1]) if value else ""
    return fields


def links(page_html: str, containing: str) -> list[str]:
    """The unescaped hrefs of a page that contain `containing`."""
    return [html.unescape(h) for h in _HREF.findall(page_html) if containing in html.unescape(h)]


def sign_in(client: FlaskClient, user: User, password: str = DEFAULT_PASSWORD) -> None:
    """Sign `user` in through their client's sign-in page."""
    path = f"/c/{user.client.slug}/signin"
    response = client.post(
        path,
        data={"email": user.email, "password": password, "csrf_token": csrf_token(client, path)},
    )
    assert response.status_code == 302, response.text


def rows(session: Session) -> tuple[int, int]:
    """How many appointments and status changes exist (to show nothing was written)."""
    session.expire_all()
    return (
        session.scalar(select(func.count()).select_from(Appointment)),
        session.scalar(select(func.count()).select_from(AppointmentStatusChange)),
    )
