"""Periodic housekeeping: appointments that ended, sessions and tokens that expired."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Delete, delete, select, update
from sqlalchemy.orm import Session

from app.models import (
    Appointment,
    AppointmentStatus,
    Backup,
    BackupStatus,
    CalendarFeedToken,
    JobClaim,
    SessionEndReason,
    UserSession,
)
from app.models.password_reset import PasswordResetLink
from auth.policy import BOUNDS

log = logging.getLogger(__name__)

#: Past every client's idle and absolute limits, an open session has surely expired
#: (sooner ones are ended when next used, under their own client's rules).
LONGEST_IDLE = timedelta(
    minutes=max(BOUNDS["staff_idle_minutes"].high, BOUNDS["customer_idle_minutes"].high)
)
LONGEST_SESSION = timedelta(hours=BOUNDS["absolute_hours"].high)
#: How long ended sessions, dead reset links and revoked feeds are kept before deletion.
KEEP_ENDED = timedelta(days=30)
#: A job claim only needs to outlive its period.
KEEP_CLAIMS = timedelta(days=90)
#: A backup still "running" after this long was interrupted (the process died).
BACKUP_STALE_AFTER = timedelta(hours=6)

COMPLETION_REASON = "ended"


def complete_past_appointments(session: Session, now: datetime, *, batch_size: int = 500) -> int:
    """Mark confirmed appointments that ended by `now` as completed; return how many.

    Idempotent: a completed appointment is no longer confirmed, so a second run finds
    nothing. Runs across all clients (a platform task, not a tenant query). On PostgreSQL,
    rows another run is already completing are skipped rather than done twice.
    """
    total = 0
    while True:
        stmt = (
            select(Appointment)
            .where(
                Appointment.status == AppointmentStatus.CONFIRMED,
                Appointment.end_at <= now,
            )
            .order_by(Appointment.end_at)
            .limit(batch_size)
            .with_for_update(skip_locked=True)
        )
        batch = session.scalars(stmt).all()
        for appointment in batch:
            appointment.change_status(AppointmentStatus.COMPLETED, at=now, reason=COMPLETION_REASON)
        session.commit()
        total += len(batch)
        if len(batch) < batch_size:
            return total


@dataclass(frozen=True)
class CleanUp:
    """How many rows each clean-up step changed."""

    sessions_ended: int
    sessions_deleted: int
    reset_links_deleted: int
    feeds_deleted: int
    claims_deleted: int
    backups_interrupted: int


def clean_up_expired(session: Session, now: datetime) -> CleanUp:
    """End and delete expired sessions, dead reset links and old revoked feeds; idempotent."""
    result = CleanUp(
        sessions_ended=_end_expired_sessions(session, now),
        sessions_deleted=_delete(
            session,
            delete(UserSession).where(
                UserSession.ended_at.is_not(None), UserSession.ended_at < now - KEEP_ENDED
            ),
        ),
        reset_links_deleted=_delete(
            session,
            delete(PasswordResetLink).where(PasswordResetLink.expires_at < now - KEEP_ENDED),
        ),
        feeds_deleted=_delete(
            session,
            delete(CalendarFeedToken).where(
                CalendarFeedToken.revoked_at.is_not(None),
                CalendarFeedToken.revoked_at < now - KEEP_ENDED,
            ),
        ),
        claims_deleted=_delete(
            session, delete(JobClaim).where(JobClaim.claimed_at < now - KEEP_CLAIMS)
        ),
        backups_interrupted=_fail_stale_backups(session, now),
    )
    session.commit()
    log.info("clean-up: %s", result)
    return result


def _delete(session: Session, statement: Delete) -> int:
    return session.execute(statement).rowcount


def _end_expired_sessions(session: Session, now: datetime) -> int:
    ended = 0
    for reason, condition in (
        (SessionEndReason.ABSOLUTE, UserSession.started_at <= now - LONGEST_SESSION),
        (SessionEndReason.IDLE, UserSession.last_seen_at <= now - LONGEST_IDLE),
    ):
        ended += session.execute(
            update(UserSession)
            .where(UserSession.ended_at.is_(None), condition)
            .values(ended_at=now, end_reason=reason)
            .execution_options(synchronize_session=False)
        ).rowcount
    return ended


def _fail_stale_backups(session: Session, now: datetime) -> int:
    stale = session.execute(
        update(Backup)
        .where(
            Backup.status == BackupStatus.RUNNING,
            Backup.started_at < now - BACKUP_STALE_AFTER,
        )
        .values(status=BackupStatus.FAILED, finished_at=now, message="interrupted: never finished")
        .execution_options(synchronize_session=False)
    ).rowcount
    if stale:
        log.warning("%d backup(s) never finished; marked failed", stale)
    return stale
