"""Where people land after signing in, and which return addresses are safe."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for

from app.models import Role, User


def home_for(user: User) -> str:
    """A user's start page: their appointments for customers, the agenda for staff."""
    if user.role is Role.CUSTOMER:
        return url_for("customer.my_appointments", slug=user.client.slug)
    if user.role in (Role.STAFF, Role.CLIENT_ADMIN):
        return url_for("staff.agenda")
    if user.role.is_platform:
        return url_for("platform.home")
    return url_for("main.home")


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site; never another host (open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
