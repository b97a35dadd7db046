"""No private value ever reaches the audit trail: only IDs, actions and field names.

Every flow that records events runs here with marker values in names, notes,
phone numbers, reasons and addresses; afterwards no audit row, read back as
raw text, contains any marker.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.models import Role
from app.scope import Scope
from app.services import catalog, changes, record_views, schedules, security_settings
from app.services.audit_verify import verify
from app.services.booking import BookingRequest, book
from app.services.catalog import ServiceDetails
from app.services.schedule_rules import ScheduleSettings
from app.services.signin import Attempt, SignInFailed, sign_in
from app.services.staff_accounts import add_member
from tests.factories import DEFAULT_PASSWORD

MARKER = "Zqxmarker"
START = datetime(2031, 3, 3, 10, 0, tzinfo=UTC)  # a Monday, 10:00 UTC (London, winter)
NOW = START - timedelta(days=3)
PASSWORD = f"{MARKER} password that is long enough 1!"


def audit_text(session: Session) -> str:
    rows = session.execute(text("SELECT * FROM audit_events")).all()
    heads = session.execute(text("SELECT * FROM audit_chain_heads")).all()
    return "\n".join(repr(tuple(row)) for row in [*rows, *heads])


def test_no_flow_writes_a_private_value_into_the_audit_trail(
    app: Flask, config, db_session: Session, make_client, make_service, make_schedule, make_user
) -> None:
    client = make_client(name=f"{MARKER} Clinic")
    service = make_service(client=client, name=f"{MARKER} therapy")
    schedule = make_schedule(client=client, services=[service], min_notice_minutes=0)
    admin = make_user(client=client, role=Role.CLIENT_ADMIN, display_name=f"{MARKER} Admin")
    customer = make_user(
        client=client,
        display_name=f"{MARKER} Customer",
        email=f"{MARKER.lower()}@example.org",
        phone="+44 7700 900123",
    )
    staff_scope = Scope(client.id, viewer_id=admin.id)
    customer_scope = Scope(client.id, customer.id)

    with app.test_request_context(environ_base={"REMOTE_ADDR": "198.51.100.9"}):
        booked = book(
            db_session,
            customer_scope,
            BookingRequest(
                service_id=service.id,
                start=START,
                notes=f"{MARKER} private notes",
                contact_phone="+44 7700 900123",
            ),
            customer_id=customer.id,
            actor=customer,
            now=NOW,
        )
        changes.reschedule(
            db_session,
            customer_scope,
            booked.id,
            new_start=START + timedelta(hours=1),
            actor=customer,
            now=NOW,
        )
        changes.cancel(
            db_session,
            staff_scope,
            booked.id,
            actor=admin,
            now=NOW,
            reason=f"{MARKER} cancel reason",
        )
        record_views.open_customer(db_session, staff_scope, customer.id, actor=admin, now=NOW)
        record_views.open_appointment(db_session, staff_scope, booked.id, actor=admin)
        settings = security_settings.default_settings() | {"min_length": 14}
        security_settings.save_settings(db_session, staff_scope, settings, actor=admin)
        schedules.update_schedule(
            db_session,
            staff_scope,
            schedule.id,
            ScheduleSettings(
                name=f"{MARKER} rooms",
                slug="zqx-rooms",
                timezone="Europe/London",
                service_ids=(service.id,),
            ),
            actor=admin,
        )
        catalog.create_service(
            db_session,
            staff_scope,
            ServiceDetails(name=f"{MARKER} new", duration_minutes=45),
            actor=admin,
        )
        add_member(
            db_session,
            config,
            staff_scope,
            actor=admin,
            display_name=f"{MARKER} Member",
            email=f"{MARKER.lower()}.member@example.org",
            password=PASSWORD,
            role=Role.STAFF,
        )
        for password in (PASSWORD, DEFAULT_PASSWORD):
            with contextlib.suppress(SignInFailed):
                sign_in(
                    db_session,
                    config,
                    client,
                    Attempt(
                        email=customer.email,
                        password=password,
                        ip_address="198.51.100.9",
                        user_agent=f"{MARKER} browser",
                    ),
                    now=NOW,
                )

    recorded = audit_text(db_session)
    actions = set(db_session.scalars(text("SELECT action FROM audit_events")))
    assert {
        "appointment.create",
        "appointment.change",
        "appointment.cancel",
        "customer.view",
        "appointment.view",
        "settings.change",
        "settings.create",
        "user.create",
        "sign_in.failed",
        "sign_in",
    } <= actions
    assert "198.51.100.9" in recorded  # the rows were read, with what they may hold
    with app.app_context():
        assert verify(db_session, config.audit_key, str(client.id)).intact
    for private in (MARKER, MARKER.lower(), "7700 900123", "example.org", "private notes"):
        assert private not in recorded
