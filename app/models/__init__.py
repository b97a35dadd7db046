"""The models, one module per aggregate. Importing this package registers every table."""

from app.crypto.events import install_field_encryption
from app.models.appointment import (
    BLOCKING_STATUSES,
    Appointment,
    AppointmentStatus,
    AppointmentStatusChange,
)
from app.models.audit import AuditChainHead, AuditEvent
from app.models.backup import Backup, BackupStatus, JobClaim
from app.models.calendar_feed import CalendarFeedToken, FeedScope
from app.models.client import Client
from app.models.data_key import DataKey
from app.models.erasure_request import ErasureRequest, ErasureStatus
from app.models.login_attempt import LoginAttempt, LoginOutcome
from app.models.outbox import OutboxMessage
from app.models.password_history import PasswordHistory
from app.models.password_reset import PasswordResetLink
from app.models.record_lock import RecordLock, record_lock_members
from app.models.recovery_code import RecoveryCode
from app.models.reminder import (
    Reminder,
    ReminderPreference,
    ReminderSettings,
    ServiceReminderLeads,
)
from app.models.rendered_calendar_event import EventVariant, RenderedCalendarEvent
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
from app.models.support_grant import GrantKind, SupportGrant, SupportReveal
from app.models.user import PLATFORM_ROLES, Role, User
from app.models.user_session import SessionEndReason, UserSession

# Private columns are sealed on flush and opened on load (see app.crypto.events).
install_field_encryption()

__all__ = [
    "BLOCKING_STATUSES",
    "PLATFORM_ROLES",
    "Appointment",
    "AppointmentStatus",
    "AppointmentStatusChange",
    "AuditChainHead",
    "AuditEvent",
    "Backup",
    "BackupStatus",
    "CalendarFeedToken",
    "Client",
    "Closure",
    "DataKey",
    "DateOverride",
    "ErasureRequest",
    "ErasureStatus",
    "EventVariant",
    "FeedScope",
    "GrantKind",
    "JobClaim",
    "LoginAttempt",
    "LoginOutcome",
    "OutboxMessage",
    "PasswordHistory",
    "PasswordResetLink",
    "RecordLock",
    "RecoveryCode",
    "Reminder",
    "ReminderPreference",
    "ReminderSettings",
    "RenderedCalendarEvent",
    "Role",
    "Schedule",
    "SecurityPolicyRow",
    "SessionEndReason",
    "Service",
    "ServiceReminderLeads",
    "SupportGrant",
    "SupportReveal",
    "User",
    "UserSession",
    "WeeklyHours",
    "record_lock_members",
    "schedule_services",
    "schedule_staff",
]
