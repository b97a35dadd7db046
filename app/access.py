"""Deny by default: every view declares who may use it, and undeclared views answer 403.

The decorators only attach a declaration to the view function; `enforce_access` (run
before every request) reads it. A test walks the URL map and fails on any endpoint
without a declaration, so a forgotten decorator is caught before it ships.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, abort, current_app, request
from flask_login import current_user

from app.models import Role

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., object])

ACCESS_ATTRIBUTE = "safeslot_access"
PLATFORM_WRITE_ATTRIBUTE = "safeslot_platform_write"
#: Endpoints served by Flask itself rather than by a view of ours.
EXEMPT_ENDPOINTS = frozenset({"static"})
#: Methods that only read.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Where a platform user's POST touches only their own account or session, never a
#: client's data (signing out, staying signed in, their own password and second factor).
PLATFORM_OWN_ACCOUNT_ENDPOINTS = frozenset(
    {
        "accounts.signout",
        "accounts.keepalive",
        "password.change",
        "two_factor.enrol",
        "two_factor.enrol_confirm",
        "two_factor.recovery_codes",
        "two_factor.turn_off",
    }
)


@dataclass(frozen=True)
class AccessRule:
    """Who may use a view: anyone, any signed-in user, or signed-in users with given roles."""

    public: bool = False
    #: Empty (and not public) means any signed-in user.
    roles: frozenset[Role] = frozenset()

    def allows(self, user: object) -> bool:
        """True if `user` (a Flask-Login user or anonymous user) may use the view."""
        if self.public:
            return True
        if not getattr(user, "is_authenticated", False):
            return False
        return not self.roles or getattr(user, "role", None) in self.roles


def public(view: F) -> F:
    """Declare a view open to everyone, signed in or not."""
    setattr(view, ACCESS_ATTRIBUTE, AccessRule(public=True))
    return view


def login_required_role(*roles: Role) -> Callable[[F], F]:
    """Declare a view for signed-in users with one of `roles` (any signed-in user if none)."""
    rule = AccessRule(roles=frozenset(roles))

    def decorate(view: F) -> F:
        setattr(view, ACCESS_ATTRIBUTE, rule)
        return view

    return decorate


def platform_write(view: F) -> F:
    """Declare a view whose POST a platform user may send (it changes no client's data)."""
    setattr(view, PLATFORM_WRITE_ATTRIBUTE, True)
    return view


def refuses_platform_write(user: object, endpoint: str, view: Callable[..., object]) -> bool:
    """True if `user` is platform staff and this request would write: support is read-only.

    Every non-reading request of a platform user is refused unless the view declared
    itself with `platform_write` or only touches the user's own account, so no existing
    or future client endpoint can be changed through a support grant.
    """
    if request.method in SAFE_METHODS or not getattr(user, "is_authenticated", False):
        return False
    role = getattr(user, "role", None)
    if role is None or not role.is_platform:
        return False
    allowed = endpoint in PLATFORM_OWN_ACCOUNT_ENDPOINTS or getattr(
        view, PLATFORM_WRITE_ATTRIBUTE, False
    )
    return not allowed


def access_rule(view: Callable[..., object]) -> AccessRule | None:
    """The declaration attached to a view function, if any."""
    return getattr(view, ACCESS_ATTRIBUTE, None)


def enforce_access() -> None:
    """Before each request: refuse unless the endpoint's declaration allows the user."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in EXEMPT_ENDPOINTS:
        return  # no route matched (404/405 follow) or Flask's own static files
    view = current_app.view_functions[endpoint]
    rule = access_rule(view)
    if rule is None:
        log.error("endpoint %s has no access declaration; refused", endpoint)
        abort(403)
    if refuses_platform_write(current_user, endpoint, view):
        abort(403)
    if rule.allows(current_user):
        return
    abort(403 if current_user.is_authenticated else 401)


def init_app(app: Flask) -> None:
    """Run `enforce_access` before every request of `app`."""
    app.before_request(enforce_access)
