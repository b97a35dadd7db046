"""Delivering claimed rows: build each message, send it, record exactly one outcome.

Shared by reminders and outgoing messages. Each row is prepared in a short read,
sent with no transaction open (the network wait holds no lock), and its outcome
written by the claim's holder only. A connection that cannot be opened counts as
a failed attempt for every row of the batch; each is retried per `BACKOFF`.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy.orm import Session

from app.config import get_config
from app.mail.transport import Connection, LazyConnection, PermanentFailure
from app.models.delivery import DeliveryStatus
from app.services import delivery_claims as claims
from app.services.delivery_claims import Claim, DeliveryModel

log = logging.getLogger(__name__)

#: Rows claimed at a time: a small batch keeps even a slow server inside the lease.
BATCH = 20
#: Upper bound on batches per run, so one task never runs without end.
MAX_BATCHES = 50


@dataclass(frozen=True)
class Outgoing:
    """A built message, and the moment after which sending it is pointless."""

    message: EmailMessage
    not_after: datetime | None = None


class Skip(Exception):
    """The row is not to be sent after all; the text (no private field) says why."""


class Undeliverable(Exception):
    """The message cannot be built (no address, no template): retrying will not help."""


class NotHeld(Exception):
    """The claim on the row was lost (its lease ran out or it was re-planned)."""


#: Loads a claimed row and builds its message as of a moment (raise Skip, Undeliverable
#: or NotHeld).
Prepare = Callable[[Session, uuid.UUID, Claim, datetime], Outgoing]


@dataclass
class SendReport:
    """What one sending run did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    cancelled: int = 0

    def add(self, status: DeliveryStatus | None) -> None:
        """Count one outcome (None: the row was no longer ours)."""
        if status is DeliveryStatus.SENT:
            self.sent += 1
        elif status is DeliveryStatus.FAILED:
            self.failed += 1
        elif status is DeliveryStatus.CANCELLED:
            self.cancelled += 1
        elif status is DeliveryStatus.PENDING:
            self.retrying += 1

    def merge(self, other: SendReport) -> None:
        """Add another run's counts to these."""
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.cancelled += other.cancelled


def deliver_due(
    session: Session,
    model: DeliveryModel,
    prepare: Prepare,
    *,
    now: Callable[[], datetime],
    only_ids: list[uuid.UUID] | None = None,
    batch: int = BATCH,
) -> SendReport:
    """Claim due rows of `model` batch by batch and deliver each."""
    report = SendReport()
    claims.fail_abandoned(session, model, now=now())
    for _ in range(MAX_BATCHES):
        claim = claims.claim_due(session, model, now=now(), limit=batch, only_ids=only_ids)
        if not claim.ids:
            break
        report.merge(deliver_claim(session, model, claim, prepare, now=now))
    return report


def deliver_claim(
    session: Session,
    model: DeliveryModel,
    claim: Claim,
    prepare: Prepare,
    *,
    now: Callable[[], datetime],
) -> SendReport:
    """Deliver every row of `claim` over one connection."""
    settings = get_config().mail
    # Stop early enough that the last send finishes before the lease ends.
    deadline = claim.until - timedelta(seconds=2 * settings.smtp_timeout)
    report = SendReport()
    with contextlib.ExitStack() as stack:
        connection = LazyConnection(settings, stack)
        for index, row_id in enumerate(claim.ids):
            if now() >= deadline:
                claims.release(session, model, list(claim.ids[index:]), claim.token)
                break
            report.add(_deliver_one(session, model, claim, row_id, prepare, connection, now))
    return report


def _deliver_one(
    session: Session,
    model: DeliveryModel,
    claim: Claim,
    row_id: uuid.UUID,
    prepare: Prepare,
    connection: Connection,
    now: Callable[[], datetime],
) -> DeliveryStatus | None:
    name = model.__tablename__
    try:
        outgoing = prepare(session, row_id, claim, now())
    except NotHeld:
        session.rollback()
        return None
    except Skip as skip:
        session.rollback()
        log.info("%s %s not sent: %s", name, row_id, skip)
        claims.mark_cancelled(session, model, row_id, claim.token, reason=str(skip))
        return DeliveryStatus.CANCELLED
    except Exception as error:  # a message that cannot be built will not build next time
        session.rollback()
        log.error("%s %s could not be built (%s)", name, row_id, type(error).__name__)
        error_text = str(error) if isinstance(error, Undeliverable) else type(error).__name__
        return claims.mark_failed_attempt(
            session, model, row_id, claim.token, now=now(), error=error_text, permanent=True
        )
    # No transaction stays open during the network wait.
    session.rollback()
    try:
        connection.send(outgoing.message)
    except PermanentFailure as refused:
        log.warning("%s %s refused by the mail server (%s)", name, row_id, refused)
        return claims.mark_failed_attempt(
            session, model, row_id, claim.token, now=now(), error=str(refused), permanent=True
        )
    except (OSError, smtplib.SMTPException) as error:
        status = claims.mark_failed_attempt(
            session,
            model,
            row_id,
            claim.token,
            now=now(),
            error=type(error).__name__,
            not_after=outgoing.not_after,
        )
        log.warning(
            "%s %s attempt failed (%s); now %s", name, row_id, type(error).__name__, status.value
        )
        return status
    if not claims.mark_sent(session, model, row_id, claim.token, now=now()):
        log.warning("%s %s sent after its claim was lost", name, row_id)
    log.info("%s %s sent", name, row_id)
    return DeliveryStatus.SENT
