"""The Security settings page's use case: a client's policy, checked whole, saved whole.

Every number is checked by `auth.policy.policy_from_settings` against its
bounds before anything is written, so a form with one bad field saves none of
the others. What is stored is read back from the checked policy, never from
the raw input, so the row always holds exactly what was validated.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import null
from sqlalchemy.orm import Session

from app.models import SecurityPolicyRow, User
from app.scope import Scope
from app.services import audit
from app.services.permissions import require_admin
from app.services.unit_of_work import start_write
from auth.policy import BOUNDS, SecurityPolicy, policy_from_settings

__all__ = ["current_settings", "default_settings", "save_settings"]


def default_settings() -> dict[str, object]:
    """The settings of a client whose administrator has saved none."""
    values: dict[str, object] = {
        name: "" if bound.default is None else bound.default for name, bound in BOUNDS.items()
    }
    values.update(required_classes=[], mfa_required_for_staff=False, self_service_reset=False)
    return values


def current_settings(session: Session, scope: Scope) -> dict[str, object]:
    """The client's settings in the shape `policy_from_settings` reads."""
    row = session.get(SecurityPolicyRow, scope.client_id)
    return row.settings() if row is not None else default_settings()


def save_settings(
    session: Session, scope: Scope, settings: Mapping[str, object], *, actor: User
) -> SecurityPolicy:
    """Check every setting, then store them all and commit; `PolicyInvalid` stores nothing."""
    require_admin(actor, scope)
    policy = policy_from_settings(settings)
    start_write(session)
    try:
        row = session.get(SecurityPolicyRow, scope.client_id)
        if row is None:
            row = SecurityPolicyRow(client_id=scope.client_id)
            session.add(row)
        columns = _columns(policy)
        # Names only, compared before writing (a NULL written below is an expression).
        changed = [name for name, value in columns.items() if getattr(row, name) != value]
        for column, value in columns.items():
            # A plain None on a new row would let the column's default (15) fire at INSERT;
            # NULL is the setting here ("off"), so it is written as SQL NULL explicitly.
            setattr(row, column, null() if value is None else value)
        audit.record(
            session,
            action="settings.change",
            client_id=scope.client_id,
            object_type="security_policy",
            object_id=scope.client_id,
            fields=changed,
            actor_id=actor.id,
            actor_role=actor.role.value,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return policy


def _columns(policy: SecurityPolicy) -> dict[str, object]:
    lockout, sessions = policy.lockout, policy.sessions
    return {
        "min_length": policy.password.min_length,
        "required_classes": ",".join(sorted(policy.password.required_classes)),
        "history_depth": policy.history_depth,
        "max_age_days": policy.max_password_age.days if policy.max_password_age else None,
        "lockout_threshold": lockout.threshold,
        "lockout_window_minutes": _minutes(lockout.window),
        "lockout_minutes": _minutes(lockout.duration) if lockout.duration else None,
        "staff_idle_minutes": _minutes(sessions.staff_idle),
        "customer_idle_minutes": _minutes(sessions.customer_idle),
        "absolute_hours": sessions.absolute // timedelta(hours=1),
        "mfa_required_for_staff": policy.mfa_required_for_staff,
        "self_service_reset": policy.self_service_reset,
    }


def _minutes(span: timedelta) -> int:
    return span // timedelta(minutes=1)
