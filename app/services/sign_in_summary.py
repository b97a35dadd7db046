"""The daily sign-in summary for client administrators: yesterday's failures and lockouts.

Counts and account IDs only (names and addresses are encrypted private fields: the
e-mail links to each account's page instead), never a password. Sent once per client
per day (a job claim committed with the queued e-mail), after the day has ended in the
client's own time zone, and only when there was something to report.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Client, JobClaim, LoginAttempt, LoginOutcome, Role, User
from app.services import outbox

JOB = "sign-in-summary"
#: The e-mail names the accounts with the most failures; the login log has the rest.
MAX_ACCOUNTS = 50


@dataclass(frozen=True)
class AccountLine:
    id: uuid.UUID
    failed: int
    locked: bool


@dataclass(frozen=True)
class Summary:
    """One client's failed sign-ins and lockouts over one local day."""

    day: date
    failed_total: int
    locked_total: int
    unknown_failed: int
    accounts: list[AccountLine]

    @property
    def is_quiet(self) -> bool:
        """True when there is nothing to report."""
        return self.failed_total == 0 and self.locked_total == 0


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where local `day` begins and the next begins."""
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return start, end


def summarise(session: Session, client: Client, day: date) -> Summary:
    """The failed sign-ins and lockouts at `client` during its local `day`."""
    start, end = day_bounds(day, ZoneInfo(client.timezone))
    failures = session.execute(
        select(LoginAttempt.user_id, func.count())
        .where(
            LoginAttempt.client_id == client.id,
            LoginAttempt.outcome != LoginOutcome.SUCCESS,
            LoginAttempt.attempted_at >= start,
            LoginAttempt.attempted_at < end,
        )
        .group_by(LoginAttempt.user_id)
    ).all()
    failed_by_user = {user_id: count for user_id, count in failures if user_id is not None}
    unknown = sum(count for user_id, count in failures if user_id is None)
    locked_ids = set(
        session.scalars(
            select(User.id).where(
                User.client_id == client.id, User.locked_at >= start, User.locked_at < end
            )
        )
    )
    # Only accounts of this client (an attempt's account could have moved or gone).
    known = set(
        session.scalars(
            select(User.id).where(
                and_(User.client_id == client.id, User.id.in_(set(failed_by_user) | locked_ids))
            )
        )
    )
    lines = sorted(
        (
            AccountLine(user_id, failed_by_user.get(user_id, 0), user_id in locked_ids)
            for user_id in known
        ),
        key=lambda line: (-line.failed, str(line.id)),
    )
    return Summary(
        day=day,
        failed_total=sum(failed_by_user.values()) + unknown,
        locked_total=len(locked_ids),
        unknown_failed=unknown,
        accounts=lines[:MAX_ACCOUNTS],
    )


def send_summaries(session: Session, now: datetime) -> int:
    """Queue yesterday's summary for every client not yet done; returns e-mails queued."""
    queued = 0
    for client in session.scalars(select(Client).order_by(Client.id)).all():
        queued += _send_one(session, client, now)
    return queued


def _send_one(session: Session, client: Client, now: datetime) -> int:
    zone = ZoneInfo(client.timezone)
    day = now.astimezone(zone).date() - timedelta(days=1)
    claim = JobClaim(job=f"{JOB}:{client.id}", period=day.isoformat())
    done = select(JobClaim.id).where(JobClaim.job == claim.job, JobClaim.period == claim.period)
    if session.scalar(done) is not None:
        return 0
    summary = summarise(session, client, day)
    admins = [] if summary.is_quiet else _admins(session, client.id)
    session.add(claim)
    for admin_id in admins:
        outbox.enqueue_email(
            session,
            client_id=client.id,
            template="sign_in_summary",
            context=_context(summary, client),
            to_user_id=admin_id,
            kind="sign_in_summary",
        )
    try:
        session.commit()
    except IntegrityError:  # already sent today (or another worker is sending it)
        session.rollback()
        return 0
    return len(admins)


def _admins(session: Session, client_id: uuid.UUID) -> list[uuid.UUID]:
    return list(
        session.scalars(
            select(User.id).where(
                User.client_id == client_id,
                User.role == Role.CLIENT_ADMIN,
                User.is_active.is_(True),
            )
        )
    )


def _context(summary: Summary, client: Client) -> dict:
    return {
        "day": summary.day,
        "timezone": client.timezone,
        "failed_total": summary.failed_total,
        "locked_total": summary.locked_total,
        "unknown_failed": summary.unknown_failed,
        "accounts": [
            {"id": line.id, "failed": line.failed, "locked": line.locked}
            for line in summary.accounts
        ],
    }
