"""A client's security policy as stored: one row per client, defaults when absent."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, utcnow
from auth.policy import SecurityPolicy, policy_from_settings

#: Settings columns, named as auth.policy.BOUNDS names them.
NUMBER_FIELDS = (
    "min_length",
    "history_depth",
    "max_age_days",
    "lockout_threshold",
    "lockout_window_minutes",
    "lockout_minutes",
    "staff_idle_minutes",
    "customer_idle_minutes",
    "absolute_hours",
)


class SecurityPolicyRow(Base):
    """The numbers a client admin sets on the Security settings page."""

    __tablename__ = "security_policies"

    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    min_length: Mapped[int] = mapped_column(default=12)
    #: Comma-separated auth.password_rules.CharClass values.
    required_classes: Mapped[str] = mapped_column(String(40), default="")
    history_depth: Mapped[int] = mapped_column(default=5)
    #: NULL: passwords never expire (the default, as NIST and OWASP advise).
    max_age_days: Mapped[int | None]
    lockout_threshold: Mapped[int] = mapped_column(default=5)
    lockout_window_minutes: Mapped[int] = mapped_column(default=15)
    #: NULL: a locked account stays locked until an administrator unlocks it.
    lockout_minutes: Mapped[int | None] = mapped_column(default=15)
    staff_idle_minutes: Mapped[int] = mapped_column(default=15)
    customer_idle_minutes: Mapped[int] = mapped_column(default=30)
    absolute_hours: Mapped[int] = mapped_column(default=12)
    mfa_required_for_staff: Mapped[bool] = mapped_column(default=False)
    self_service_reset: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def settings(self) -> dict[str, object]:
        """The stored values in the shape auth.policy reads."""
        # NULL in an optional column means "off", which auth.policy reads as empty.
        values: dict[str, object] = {
            name: "" if getattr(self, name) is None else getattr(self, name)
            for name in NUMBER_FIELDS
        }
        values["required_classes"] = [c for c in self.required_classes.split(",") if c]
        values["mfa_required_for_staff"] = self.mfa_required_for_staff
        values["self_service_reset"] = self.self_service_reset
        return values

    def policy(self) -> SecurityPolicy:
        return policy_from_settings(self.settings())
