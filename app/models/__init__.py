"""The models, one module per aggregate. Importing this package registers every table."""

from app.models.appointment import (
    BLOCKING_STATUSES,
    Appointment,
    AppointmentStatus,
    AppointmentStatusChange,
)
from app.models.calendar_feed import CalendarFeedToken, FeedScope
from app.models.client import Client
from app.models.login_attempt import LoginAttempt, LoginOutcome
from app.models.password_history import PasswordHistory
from app.models.recovery_code import RecoveryCode
from app.models.schedule import (
    Closure,
    DateOverride,
    Schedule,
    WeeklyHours,
    schedule_services,
    schedule_staff,
)
from app.models.security import SecurityPolicyRow
from app.models.service import Service
from app.models.user import PLATFORM_ROLES, Role, User
from app.models.user_session import SessionEndReason, UserSession

__all__ = [
    "BLOCKING_STATUSES",
    "PLATFORM_ROLES",
    "Appointment",
    "AppointmentStatus",
    "AppointmentStatusChange",
    "CalendarFeedToken",
    "Client",
    "Closure",
    "DateOverride",
    "FeedScope",
    "LoginAttempt",
    "LoginOutcome",
    "PasswordHistory",
    "RecoveryCode",
    "Role",
    "Schedule",
    "SecurityPolicyRow",
    "SessionEndReason",
    "Service",
    "User",
    "UserSession",
    "WeeklyHours",
    "schedule_services",
    "schedule_staff",
]
