"""Per-client retention: how long past appointments and login-log entries are kept.

A client's administrator sets the two periods on the "Data retention" page;
`apply_retention` (run nightly by a Celery task) deletes what has outlived
them, in bounded batches with a commit after each, so a large backlog never
holds locks for long. Running it twice deletes nothing the second time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from app.errors import InvalidInput
from app.models import Appointment, AppointmentStatusChange, Client, LoginAttempt, User
from app.models.client import (
    APPOINTMENT_RETENTION_DAYS,
    DEFAULT_LOGIN_LOG_RETENTION_DAYS,
    LOGIN_LOG_RETENTION_DAYS,
)
from app.scope import Scope
from app.services import audit
from app.services.permissions import require_admin
from app.services.unit_of_work import start_write

BATCH_SIZE = 500


class RetentionInvalid(InvalidInput):
    """One or more settings are out of bounds; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class RetentionSettings:
    #: None keeps past appointments while the customer's account is active.
    appointment_days: int | None
    login_log_days: int


@dataclass(frozen=True)
class RetentionRun:
    """How many rows one run deleted."""

    appointments: int
    login_attempts: int


def current_settings(session: Session, scope: Scope) -> RetentionSettings:
    """The client's retention periods."""
    client = session.get_one(Client, scope.client_id)
    return RetentionSettings(client.appointment_retention_days, client.login_log_retention_days)


def parse_settings(appointment_days: str, login_log_days: str) -> RetentionSettings:
    """The periods as typed, checked against their bounds; `RetentionInvalid` lists every fault."""
    errors: dict[str, str] = {}
    appointments = _days(appointment_days, APPOINTMENT_RETENTION_DAYS, optional=True)
    if isinstance(appointments, str):
        errors["appointment_days"] = f"Past appointments: {appointments}"
    login_log = _days(login_log_days, LOGIN_LOG_RETENTION_DAYS, optional=False)
    if isinstance(login_log, str):
        errors["login_log_days"] = f"Login log: {login_log}"
    if errors:
        raise RetentionInvalid(errors)
    return RetentionSettings(appointments, login_log)  # type: ignore[arg-type]


def _days(text: str, bounds: tuple[int, int], *, optional: bool) -> int | None | str:
    """The number of days, None for an empty optional field, or the refusal's wording."""
    text = (text or "").strip()
    low, high = bounds
    if not text:
        return None if optional else f"enter a number of days from {low} to {high}."
    if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
        return f"enter a whole number of days from {low} to {high}."
    return int(text)


def save_settings(
    session: Session, scope: Scope, settings: RetentionSettings, *, actor: User
) -> RetentionSettings:
    """Store both periods (checked again here) and record the change; commit."""
    require_admin(actor, scope)
    parse_settings(
        "" if settings.appointment_days is None else str(settings.appointment_days),
        str(settings.login_log_days),
    )
    start_write(session)
    try:
        client = session.get_one(Client, scope.client_id, with_for_update=True)
        changed = [
            name
            for name, value in (
                ("appointment_retention_days", settings.appointment_days),
                ("login_log_retention_days", settings.login_log_days),
            )
            if getattr(client, name) != value
        ]
        client.appointment_retention_days = settings.appointment_days
        client.login_log_retention_days = settings.login_log_days
        if changed:
            audit.record(
                session,
                action="settings.change",
                client_id=scope.client_id,
                object_type="client",
                object_id=scope.client_id,
                fields=changed,
            )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return settings


def apply_retention(
    session: Session, now: datetime, *, batch_size: int = BATCH_SIZE
) -> RetentionRun:
    """Delete every client's appointments and login-log entries past their periods.

    A platform task across all clients. Appointments go with their status history;
    login attempts of platform accounts (no client) keep the default period.
    """
    appointments = attempts = 0
    policies = session.execute(
        select(Client.id, Client.appointment_retention_days, Client.login_log_retention_days)
    ).all()
    for client_id, appointment_days, login_log_days in policies:
        if appointment_days is not None:
            cutoff = now - timedelta(days=appointment_days)
            appointments += _delete_appointments(session, client_id, cutoff, batch_size)
        attempts += _delete_attempts(
            session,
            LoginAttempt.client_id == client_id,
            now - timedelta(days=login_log_days),
            batch_size,
        )
    platform_cutoff = now - timedelta(days=DEFAULT_LOGIN_LOG_RETENTION_DAYS)
    attempts += _delete_attempts(
        session, LoginAttempt.client_id.is_(None), platform_cutoff, batch_size
    )
    return RetentionRun(appointments=appointments, login_attempts=attempts)


def _delete_appointments(
    session: Session, client_id: uuid.UUID, cutoff: datetime, batch_size: int
) -> int:
    """Appointments of the client that ended before `cutoff`, with their history."""
    stmt = (
        select(Appointment.id)
        .where(Appointment.client_id == client_id, Appointment.end_at < cutoff)
        .order_by(Appointment.end_at)
        .limit(batch_size)
    )

    def delete_batch(ids: list[uuid.UUID]) -> None:
        # Explicitly, not by cascade: correct whatever the database's foreign-key mode.
        session.execute(
            delete(AppointmentStatusChange).where(AppointmentStatusChange.appointment_id.in_(ids))
        )
        session.execute(delete(Appointment).where(Appointment.id.in_(ids)))

    return _in_batches(session, stmt, delete_batch, batch_size)


def _delete_attempts(
    session: Session, owner: ColumnElement[bool], cutoff: datetime, batch_size: int
) -> int:
    """Login attempts matching `owner` made before `cutoff`."""
    stmt = (
        select(LoginAttempt.id)
        .where(owner, LoginAttempt.attempted_at < cutoff)
        .order_by(LoginAttempt.attempted_at)
        .limit(batch_size)
    )

    def delete_batch(ids: list[uuid.UUID]) -> None:
        session.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(ids)))

    return _in_batches(session, stmt, delete_batch, batch_size)


def _in_batches(session: Session, stmt, delete_batch, batch_size: int) -> int:
    """Select up to `batch_size` IDs, delete them, commit; again until a short batch."""
    total = 0
    while True:
        start_write(session)
        try:
            ids = list(session.scalars(stmt))
            if ids:
                delete_batch(ids)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        total += len(ids)
        if len(ids) < batch_size:
            return total
