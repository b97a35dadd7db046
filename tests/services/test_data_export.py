"""A customer's download: their own data, complete, and nothing of anyone else."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import vobject
from sqlalchemy import select

from app.errors import AccessDenied
from app.models.audit import AuditEvent
from app.scope import Scope
from app.services.data_export import ICS_NAME, JSON_NAME, export_customer_data
from tests.data_rights_setup import (
    MARK_EMAIL,
    MARK_NAME,
    MARK_NOTE,
    MARK_PHONE,
    MARK_REASON,
    NOW,
    make_marked,
)


@pytest.fixture
def world(app, db_session, make_client, make_user, make_service, make_schedule, make_appointment):
    with app.app_context():
        yield make_marked(
            db_session, make_client, make_user, make_service, make_schedule, make_appointment
        )


def _unzip(content: bytes) -> tuple[dict, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sorted(archive.namelist()) == sorted([JSON_NAME, ICS_NAME])
        return json.loads(archive.read(JSON_NAME)), archive.read(ICS_NAME)


def _export(db_session, world):
    return export_customer_data(
        db_session, Scope.for_user(world.customer), actor=world.customer, now=NOW
    )


def test_the_download_holds_the_profile_and_every_own_appointment(db_session, world) -> None:
    document, _ics = _unzip(_export(db_session, world).content)

    profile = document["profile"]
    assert (profile["name"], profile["email"], profile["phone"]) == (
        MARK_NAME,
        MARK_EMAIL,
        MARK_PHONE,
    )
    mine = {world.past.id, world.cancelled.id, world.upcoming.id}
    assert {a["id"] for a in document["appointments"]} == {str(i) for i in mine}
    upcoming = next(a for a in document["appointments"] if a["id"] == str(world.upcoming.id))
    assert upcoming["service"] == "Consultation" and upcoming["schedule"] == "Dr Adams"
    assert upcoming["start_utc"] == "2031-03-03T10:00:00+00:00"
    assert upcoming["timezone"] == "Europe/London"
    assert upcoming["notes"] == MARK_NOTE


def test_the_status_history_names_roles_not_people(db_session, world) -> None:
    document, _ics = _unzip(_export(db_session, world).content)

    cancelled = next(a for a in document["appointments"] if a["id"] == str(world.cancelled.id))
    steps = [(s["to"], s["by"], s["reason"]) for s in cancelled["status_history"]]
    assert ("cancelled", "you", MARK_REASON) in steps


def test_nothing_of_another_customer_or_any_secret_is_in_it(db_session, world) -> None:
    content = _export(db_session, world).content
    document, ics = _unzip(content)
    text = json.dumps(document) + ics.decode()

    assert str(world.others_appointment.id) not in text
    assert "Bystander" not in text and "Ada Admin" not in text
    for secret in (world.customer.password_hash, world.customer.email_lookup):
        assert secret not in text
    assert "password_hash" not in text and "email_lookup" not in text


def test_the_calendar_file_lists_the_same_appointments(db_session, world) -> None:
    _document, ics = _unzip(_export(db_session, world).content)

    calendar = vobject.readOne(ics.decode())
    uids = {event.uid.value for event in calendar.vevent_list}
    mine = (world.past.id, world.cancelled.id, world.upcoming.id)
    assert uids == {f"{i}@safeslot" for i in mine}
    assert MARK_NOTE not in ics.decode()  # notes stay out of calendar files


def test_the_download_is_audited_without_values(db_session, world) -> None:
    _export(db_session, world)

    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "customer.export")
    ).one()
    assert event.object_id == str(world.customer.id)
    assert event.client_id == world.client.id
    assert MARK_EMAIL not in json.dumps(event.fields)


def test_staff_cannot_download_a_customers_data_as_their_own(db_session, world) -> None:
    with pytest.raises(AccessDenied):
        export_customer_data(db_session, Scope(world.client.id), actor=world.admin, now=NOW)
