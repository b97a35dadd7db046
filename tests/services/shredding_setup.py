"""Two clients with private data, shredding one, and reading what a database shows of them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from types import SimpleNamespace

import sqlalchemy as sa
from flask import Flask

from app.crypto.keyring import keyring_for
from app.db import get_db, utcnow
from app.models import Appointment, DataKey, Role, User
from app.services import key_admin, key_file
from app.services.key_admin import ShredReport
from tests import factories
from tests.web.forms import sign_in


@dataclass(frozen=True)
class Tenant:
    """One client's ids and the private values written for it."""

    slug: str
    client_id: uuid.UUID
    customer_id: uuid.UUID
    appointment_id: uuid.UUID
    staff_email: str
    name: str
    phone: str
    notes: str

    def signed_in(self, app: Flask):
        """A test client of `app` with this tenant's staff member signed in."""
        browser = app.test_client()
        sign_in(
            browser, SimpleNamespace(client=SimpleNamespace(slug=self.slug), email=self.staff_email)
        )
        return browser


def make_tenants(app: Flask) -> dict[str, Tenant]:
    """Clients "a" and "b", each with a staff member, a customer and an appointment."""
    session = get_db(app).session()
    tenants = {}
    try:
        for label in ("a", "b"):
            client = factories.make_client(session, slug=f"client-{label}-{uuid.uuid4().hex[:6]}")
            staff = factories.make_user(session, client=client, role=Role.STAFF)
            name, phone = f"Private Person {label.upper()}", f"+44 7700 90011{label == 'b':d}"
            notes = f"Private notes of {label.upper()}"
            customer = factories.make_user(session, client=client, display_name=name, phone=phone)
            appointment = factories.make_appointment(session, customer=customer, notes=notes)
            tenants[label] = Tenant(
                client.slug, client.id, customer.id, appointment.id, staff.email, name, phone, notes
            )
    finally:
        session.close()
    return tenants


def private_values(app: Flask, tenant: Tenant) -> tuple[str, str, str]:
    """The customer's name and phone and the appointment's notes, as `app` reads them."""
    with get_db(app).session() as session:
        customer = session.get_one(User, tenant.customer_id)
        notes = session.get_one(Appointment, tenant.appointment_id).notes
        return (customer.display_name, customer.phone, notes)


def shred(app: Flask, slug: str) -> ShredReport:
    """`keys shred` of `slug` in `app`'s database."""
    database = get_db(app)
    with database.session() as session:
        return key_admin.shred_client(
            session,
            keyring_for(database.engine),
            slug,
            key_file.target(app.config["SAFESLOT"]),
            now=utcnow(),
        )


def wrapped_keys(app: Flask) -> list[bytes]:
    """Every wrapped data key the database holds."""
    with get_db(app).session() as session:
        return [
            wrapped
            for wrapped in session.scalars(sa.select(DataKey.wrapped_key))
            if wrapped is not None
        ]


def keys_of(app: Flask, client_id: uuid.UUID) -> list[DataKey]:
    """The data-key rows of one client."""
    with get_db(app).session() as session:
        return list(session.scalars(sa.select(DataKey).where(DataKey.client_id == client_id)))
