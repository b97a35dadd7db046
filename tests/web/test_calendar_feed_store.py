"""Feeds keep what they rendered in the database: same bytes, never stale, no names in clear."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.db import get_db
from app.models import (
    Appointment,
    AppointmentStatus,
    EventVariant,
    RecordLock,
    RenderedCalendarEvent,
    Role,
    Service,
)
from app.scope import Scope
from app.services import erasure, feed_cache
from app.services.rendered_events import RenderedEvent, keep
from scheduling.ical import Privacy, render_event
from tests.services.shredding_setup import shred
from tests.services.staff_setup import fresh
from tests.web.test_calendar_feeds import events, make_feed

NOW = datetime(2031, 1, 5, 9, 0, tzinfo=UTC)


def new_process() -> None:
    """Forget what this process rendered, as a restarted worker would."""
    render_event.cache_clear()
    feed_cache.forget()


def stored_rows(app) -> list[tuple]:
    """Every stored event."""
    with get_db(app).engine.connect() as connection:
        return connection.execute(select(RenderedCalendarEvent.__table__)).all()


def raw_store(app) -> str:
    """The whole table as the database driver returns it, before any decoding."""
    with get_db(app).engine.connect() as connection:
        return repr(connection.exec_driver_sql("SELECT * FROM rendered_calendar_events").all())


def summaries(client, path) -> list[str]:
    new_process()
    library, _ = events(client.get(path).data)
    return [str(event["SUMMARY"]) for event in library]


@pytest.fixture
def clinic(make_client, make_schedule, make_service, make_user):
    client = make_client(name="Riverside Clinic", timezone="Europe/London")
    service = make_service(client=client, name="Counselling")
    return {
        "client": client,
        "service": service,
        "schedule": make_schedule(client=client, name="Room 1", services=[service]),
        "staff": make_user(client=client, role=Role.STAFF),
        "admin": make_user(client=client, role=Role.CLIENT_ADMIN),
        "ada": make_user(client=client, display_name="Ada Lovelace"),
        "bob": make_user(client=client, display_name="Bob Brown"),
    }


@pytest.fixture
def booked(clinic, db_session, make_appointment):
    """Three appointments of Ada and Bob (one cancelled), shown in full to staff."""
    made = [
        make_appointment(
            schedule=clinic["schedule"],
            service=clinic["service"],
            customer=clinic[who],
            start_at=datetime(2031, 3, 3, 10, 0, tzinfo=UTC) + timedelta(hours=hours),
            status=status,
        )
        for who, hours, status in (
            ("ada", 0, AppointmentStatus.CONFIRMED),
            ("bob", 1, AppointmentStatus.REQUESTED),
            ("ada", 2, AppointmentStatus.CANCELLED),
        )
    ]
    clinic["client"].feed_privacy = Privacy.FULL_DETAILS
    db_session.commit()
    return made


def test_a_feed_is_the_same_bytes_from_an_empty_a_filled_or_no_store(app, client, clinic, booked):
    path = make_feed(client, clinic["staff"])
    new_process()
    rendered_first = client.get(path).data  # empty store: every event by the library
    assert len(stored_rows(app)) == 3

    new_process()
    from_store = client.get(path).data  # a new process: every event from the store

    with get_db(app).engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM rendered_calendar_events")
    feed_cache.forget()
    from_memory = client.get(path).data  # no store: this process's own renderings

    assert rendered_first == from_store == from_memory
    library, other = events(from_store)
    assert len(library) == len(other) == 3


def test_a_new_process_serves_the_stored_events_without_rendering_them(app, client, clinic, booked):
    path = make_feed(client, clinic["staff"])
    client.get(path)
    new_process()
    client.get(path)

    # A second rendering in a fresh process wrote nothing: every event was a hit.
    assert render_event.cache_info().misses == 0


@pytest.mark.parametrize("level", [Privacy.SERVICE_AND_INITIALS, Privacy.FULL_DETAILS])
def test_no_name_or_initials_are_stored_in_clear(app, client, db_session, clinic, booked, level):
    clinic["client"].feed_privacy = level
    db_session.commit()
    path = make_feed(client, clinic["staff"])
    new_process()
    body = client.get(path).data
    assert b"Ada Lovelace" in body or b"A.L." in body

    assert len(stored_rows(app)) == 3
    raw = raw_store(app)
    # Whole names and initials: a three-letter fragment turns up in random base64 now
    # and then, while a space or a dot never does.
    for private in ("Ada Lovelace", "Lovelace", "A.L.", "Bob Brown", "Brown", "B.B."):
        assert private not in raw
    assert all(row.body.startswith("ss1.") and row.public_body is None for row in stored_rows(app))


def test_busy_only_and_customer_feeds_store_events_naming_nobody(
    app, client, db_session, clinic, booked
):
    clinic["client"].feed_privacy = Privacy.SERVICE_AND_INITIALS
    db_session.commit()
    new_process()
    client.get(make_feed(client, clinic["ada"], name="Mine"))

    assert len(stored_rows(app)) == 2  # Ada's two appointments, as she sees them
    assert {row.variant for row in stored_rows(app)} == {EventVariant.UNNAMED}
    assert "Counselling" in raw_store(app) and "Ada" not in raw_store(app)


def test_a_changed_time_status_or_service_is_rendered_again(client, db_session, clinic, booked):
    path = make_feed(client, clinic["staff"])
    assert summaries(client, path)[0] == "Counselling – Ada Lovelace"

    first = db_session.get(Appointment, booked[0].id)
    moved = first.start_at + timedelta(days=1)
    first.start_at, first.end_at = moved, moved + timedelta(minutes=30)
    first.change_status(AppointmentStatus.CANCELLED, at=NOW)
    db_session.get(Service, clinic["service"].id).name = "Talking therapy"
    db_session.commit()

    new_process()
    library, _ = events(client.get(path).data)
    changed = next(e for e in library if str(e["UID"]) == f"{first.id}@safeslot")
    assert changed.decoded("DTSTART") == moved
    assert str(changed["STATUS"]) == "CANCELLED"
    assert {str(e["SUMMARY"]).split(" – ")[0] for e in library} == {"Talking therapy"}


def test_a_renamed_customer_is_rendered_again_and_the_old_name_is_dropped(
    app, client, db_session, clinic, booked
):
    path = make_feed(client, clinic["staff"])
    summaries(client, path)
    named = [row for row in stored_rows(app) if row.variant == EventVariant.NAMED]
    assert len(named) == 3

    clinic["ada"].display_name = "Ada King"
    db_session.commit()
    # The rows naming her went with the old name; Bob's stay.
    assert len(stored_rows(app)) == 1

    assert sorted(summaries(client, path)) == [
        "Counselling – Ada King",
        "Counselling – Ada King",
        "Counselling – Bob Brown",
    ]


def test_a_calendar_polling_with_its_etag_sees_a_renamed_customer(
    client, db_session, clinic, booked
):
    path = make_feed(client, clinic["staff"])
    first = client.get(path)
    assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    clinic["ada"].display_name = "Ada King"
    db_session.commit()

    # Same process, same ETag: the poll must not be told that nothing changed.
    polled = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert polled.status_code == 200
    assert polled.headers["ETag"] != first.headers["ETag"]
    library, _ = events(polled.data)
    assert "Counselling – Ada King" in {str(event["SUMMARY"]) for event in library}


def test_a_change_of_privacy_level_is_rendered_again_and_drops_named_events(
    app, client, db_session, clinic, booked
):
    path = make_feed(client, clinic["staff"])
    summaries(client, path)

    clinic["client"].feed_privacy = Privacy.SERVICE_AND_INITIALS
    db_session.commit()
    assert stored_rows(app) == []
    assert "Counselling – A.L." in summaries(client, path)

    clinic["client"].feed_privacy = Privacy.BUSY_ONLY
    db_session.commit()
    assert set(summaries(client, path)) == {"Appointment"}
    assert {row.variant for row in stored_rows(app)} == {EventVariant.BUSY}


def test_a_record_lock_is_rendered_again_for_the_viewers_it_excludes(
    client, db_session, clinic, booked
):
    staff_feed = make_feed(client, clinic["staff"])
    admin_feed = make_feed(client, clinic["admin"], name="Desk")
    summaries(client, staff_feed)

    lock = RecordLock(client_id=clinic["client"].id, customer_id=clinic["ada"].id)
    lock.members.append(clinic["admin"])
    db_session.add(lock)
    db_session.commit()

    assert sorted(summaries(client, staff_feed)) == [
        "Counselling – Bob Brown",
        "Locked record",
        "Locked record",
    ]
    assert "Counselling – Ada Lovelace" in summaries(client, admin_feed)
    assert "Locked record" in summaries(client, staff_feed)


def test_an_erased_customer_leaves_no_stored_event_naming_them(
    app, client, db_session, clinic, booked
):
    path = make_feed(client, clinic["staff"])
    summaries(client, path)
    scope = Scope.for_user(clinic["ada"])
    with app.app_context():
        request = erasure.request_erasure(db_session, scope, actor=clinic["ada"], now=NOW)
        erasure.approve(
            db_session, Scope.for_user(clinic["admin"]), request.id, actor=clinic["admin"], now=NOW
        )

    assert [row.appointment_id for row in stored_rows(app)] == [booked[1].id]
    assert summaries(client, path).count("Counselling – Erased customer") == 2


def test_a_deleted_appointment_takes_its_stored_events_with_it(
    app, client, db_session, clinic, booked
):
    summaries(client, make_feed(client, clinic["staff"]))
    db_session.execute(Appointment.__table__.delete().where(Appointment.id == booked[0].id))
    db_session.commit()

    assert booked[0].id not in {row.appointment_id for row in stored_rows(app)}
    assert len(stored_rows(app)) == 2


def test_after_crypto_shredding_the_feed_still_answers_without_names(
    app, client, db_session, clinic, booked
):
    path = make_feed(client, clinic["staff"])
    summaries(client, path)
    shred(app, clinic["client"].slug)

    shown = summaries(client, path)
    assert shown == ["Counselling – (unavailable)"] * 3


def test_a_write_for_an_appointment_deleted_meanwhile_is_dropped(app, db_session, clinic, booked):
    gone = RenderedEvent(
        appointment_id=uuid.UUID(int=1),
        variant=EventVariant.BUSY,
        digest="0" * 64,
        body=b"BEGIN:VEVENT\r\nEND:VEVENT\r\n",
    )
    kept = RenderedEvent(
        booked[1].id, EventVariant.BUSY, "1" * 64, b"BEGIN:VEVENT\r\nEND:VEVENT\r\n"
    )
    with app.app_context():
        keep(db_session, clinic["client"].id, [gone, kept])
    fresh(db_session)

    assert stored_rows(app) == []
