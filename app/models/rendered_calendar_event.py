"""RenderedCalendarEvent: one appointment's VEVENT as a feed last showed it, sealed.

Serializing an event with the `icalendar` library is the cost of a feed, and an
in-process cache is empty after every restart, so feeds keep what they rendered
here, each body after the digest of the values it was rendered from. A body that
names the customer is private: it is sealed with the client's data key like every
other private column (key rotation and shredding cover it), its digest with it (a
digest in clear would let anyone holding the database confirm a guessed name).
The other variants show only what the appointment and service rows hold in clear
(times, status, service name), so they stay in clear and cost no decryption.

One row per appointment and variant (what the viewer may see of it); a new
rendering replaces the row. Rows go with their appointment (ON DELETE CASCADE);
rows naming a customer go in the same flush as a change of the name (an erasure
among others) or of the client's privacy level (see the listeners below).
"""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Connection,
    ForeignKey,
    Index,
    Text,
    delete,
    event,
    inspect,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from app.crypto.types import EncryptedText
from app.db import Base
from app.models.appointment import Appointment
from app.models.base import enum_type
from app.models.client import Client
from app.models.user import User

#: Row ids derive from (appointment, variant), so two writers of one event meet on one row.
_ROW_NAMESPACE = uuid.UUID("5d7c1a52-3f0e-4b8e-9a55-1c2f4e6b8d90")


class EventVariant(enum.StrEnum):
    """What a viewer may see of an appointment; each renders to different bytes."""

    #: Busy-only privacy: the same for every viewer.
    BUSY = "busy"
    #: Staff at a level that shows the customer's name or initials.
    NAMED = "named"
    #: The customer's own feed: the service, never their own name.
    UNNAMED = "unnamed"
    #: A viewer the customer's record is locked against.
    LOCKED = "locked"

    @property
    def names_customer(self) -> bool:
        """True when the event may show the customer's name or initials."""
        return self is EventVariant.NAMED


class RenderedCalendarEvent(Base):
    """A VEVENT (after the digest of its values) for one appointment and variant."""

    __tablename__ = "rendered_calendar_events"
    __table_args__ = (
        # The feed query joins on these two. One row each: the id derives from them.
        Index("ix_rendered_calendar_events_appointment", "appointment_id", "variant"),
        # Sealed exactly when it may name someone; never both columns.
        CheckConstraint(
            "(variant = 'named') = (body IS NOT NULL)"
            " AND (body IS NULL) = (public_body IS NOT NULL)",
            name="sealed_when_named",
        ),
    )

    #: `row_id(appointment_id, variant)`: deterministic, and bound into the ciphertext.
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    #: The owner whose data key seals `body`.
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    appointment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE")
    )
    variant: Mapped[EventVariant] = mapped_column(enum_type(EventVariant, "variant"))
    #: "<event digest>\n<VEVENT text>", sealed, for the variant that names the customer.
    body: Mapped[str | None] = mapped_column(EncryptedText())
    #: The same, in clear, for the variants that name nobody.
    public_body: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<RenderedCalendarEvent {self.appointment_id} {self.variant.value}>"


def row_id(appointment_id: uuid.UUID, variant: EventVariant) -> uuid.UUID:
    """The id of the row holding `appointment_id`'s event in `variant`."""
    return uuid.uuid5(_ROW_NAMESPACE, f"{appointment_id}|{variant.value}")


@event.listens_for(User, "after_update")
def _forget_renamed_customer(_mapper: Mapper[Any], connection: Connection, user: User) -> None:
    # An erasure or a rename must leave no copy of the old name at rest.
    if inspect(user).attrs.display_name.history.has_changes():
        theirs = select(Appointment.id).where(Appointment.customer_id == user.id)
        connection.execute(
            delete(RenderedCalendarEvent).where(
                RenderedCalendarEvent.appointment_id.in_(theirs),
                RenderedCalendarEvent.variant == EventVariant.NAMED,
            )
        )
        # Their events now read differently in feeds that name them, and a feed's ETag
        # follows its appointments' last change: without this, a poll would get a 304.
        connection.execute(
            update(Appointment)
            .where(Appointment.customer_id == user.id)
            .values(updated_at=datetime.now(UTC))
        )


@event.listens_for(Client, "after_update")
def _forget_named_events(_mapper: Mapper[Any], connection: Connection, client: Client) -> None:
    # A level that reveals less must not leave bodies that reveal more at rest.
    if inspect(client).attrs.feed_privacy.history.has_changes():
        connection.execute(
            delete(RenderedCalendarEvent).where(
                RenderedCalendarEvent.client_id == client.id,
                RenderedCalendarEvent.variant == EventVariant.NAMED,
            )
        )
