"""The feeds' store of rendered VEVENTs: read with the feed's rows, misses written back.

A feed query left-joins each row's stored event (app.models.rendered_calendar_event)
through `with_stored`. `StoredEvents.event` opens it (when sealed) and uses its bytes
only when the digest kept with them equals the digest of the row's current values,
so a changed time, status, service, name, privacy level or lock is never served
from the store. Everything else is rendered by the library and written back by
`keep` in one upsert.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, case
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Appointment, EventVariant, RenderedCalendarEvent
from app.models.rendered_calendar_event import row_id
from app.services.sealed_columns import Opener, Sealer
from app.services.unit_of_work import start_write
from scheduling.ical import EventValues, event_digest, render_event

log = logging.getLogger(__name__)

_TABLE = RenderedCalendarEvent.__tablename__
_COLUMN = "body"


@dataclass(frozen=True)
class RenderedEvent:
    """An event the store did not have (or had for other values), as rendered now."""

    appointment_id: uuid.UUID
    variant: EventVariant
    digest: str
    body: bytes


def with_stored(stmt: Select, variant: ColumnElement[str]) -> Select:
    """`stmt` (over appointments) with each row's stored event in `variant`, if any.

    Appends four columns: the variant, then the stored row's sealed body with its id
    (the id is bound into the ciphertext), and its public body; all three NULL when
    nothing is stored. `StoredEvents.event` takes these three as `stored`.
    """
    kept = RenderedCalendarEvent
    # The id only where it is needed: converting 10,000 ids costs a feed several ms.
    sealed_id = case((kept.body.is_not(None), kept.id))
    return stmt.add_columns(variant, sealed_id, kept.body, kept.public_body).outerjoin(
        kept, and_(kept.appointment_id == Appointment.id, kept.variant == variant)
    )


class StoredEvents:
    """One feed's reads of the store; collects what it had to render."""

    def __init__(self, session: Session, client_id: uuid.UUID) -> None:
        self._opener = Opener(session, client_id)
        self.misses: list[RenderedEvent] = []

    def event(
        self, values: EventValues, appointment_id: uuid.UUID, variant: str, stored: Sequence
    ) -> bytes:
        """The VEVENT bytes of `values`: the stored ones if still current, else rendered."""
        digest = event_digest(values)
        sealed_id, sealed, public = stored
        text = public if sealed is None else self._open(sealed_id, sealed)
        if text is not None:
            kept_digest, _, body = text.partition("\n")
            if kept_digest == digest:
                return body.encode()
        rendered = render_event(values)
        self.misses.append(RenderedEvent(appointment_id, EventVariant(variant), digest, rendered))
        return rendered

    def _open(self, row_id: uuid.UUID, sealed: str) -> str:
        # A shredded key opens as a placeholder without a digest: a miss like any other.
        return self._opener.open(sealed, table=_TABLE, column=_COLUMN, row_id=row_id)


def keep(session: Session, client_id: uuid.UUID, events: list[RenderedEvent]) -> None:
    """Store `events` (replacing older renderings of the same rows) and commit.

    Two processes may render the same misses at once: both upserts succeed. An
    appointment deleted meanwhile fails its row's foreign key; the feed was served
    anyway, so the write is dropped and the next render retries.
    """
    if not events:
        return
    start_write(session)
    sealer = Sealer(session, client_id)
    rows = []
    for rendered in events:
        identity = row_id(rendered.appointment_id, rendered.variant)
        text = f"{rendered.digest}\n{rendered.body.decode()}"
        private = rendered.variant.names_customer
        rows.append(
            {
                "id": identity,
                "client_id": client_id,
                "appointment_id": rendered.appointment_id,
                "variant": rendered.variant,
                "body": (
                    sealer.seal(text, table=_TABLE, column=_COLUMN, row_id=identity)
                    if private
                    else None
                ),
                "public_body": None if private else text,
            }
        )
    # Rows in one order, so concurrent writers of overlapping sets never deadlock.
    rows.sort(key=lambda row: row["id"])
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(RenderedCalendarEvent)
    replaced = {"body": stmt.excluded.body, "public_body": stmt.excluded.public_body}
    stmt = stmt.on_conflict_do_update(index_elements=["id"], set_=replaced)
    try:
        session.execute(stmt, rows)
        session.commit()
    except IntegrityError:
        session.rollback()
        log.info("rendered events of client %s not stored: a row changed meanwhile", client_id)
