"""Who may change a client's set-up: checked in the use case as well as on the view.

Views already declare their roles; the use cases check again so that a caller
other than a view (a CLI command, a task, a future API) cannot skip the rule.
"""

from __future__ import annotations

from app.errors import AccessDenied
from app.models import Role, User
from app.scope import Scope

#: Roles that run a client's day-to-day: the agenda, appointments and customers.
TEAM_ROLES = (Role.STAFF, Role.CLIENT_ADMIN)


def require_team(actor: User, scope: Scope) -> None:
    """Refuse unless `actor` is staff or an administrator of the scope's client."""
    if scope.is_customer or actor.role not in TEAM_ROLES or actor.client_id != scope.client_id:
        raise AccessDenied("only the client's staff may do this")


def require_admin(actor: User, scope: Scope) -> None:
    """Refuse unless `actor` is an administrator of the scope's client."""
    require_team(actor, scope)
    if actor.role is not Role.CLIENT_ADMIN:
        raise AccessDenied("only the client's administrators may do this")
