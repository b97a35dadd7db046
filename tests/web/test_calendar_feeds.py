"""Calendar feeds: made on the account page, read by calendar apps, stopped at once."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import vobject

from app.models import AppointmentStatus, CalendarFeedToken, Role
from scheduling.ical import Privacy
from tests.web.forms import sign_in, submit
from tests.web.test_rate_limits import app_with

PAGE = "/account/calendar-feeds"
_FEED_URL = re.compile(r"(/feeds/[A-Za-z0-9_-]+\.ics)")


def signed_in(client, user):
    """A browser of its own with `user` signed in; `client` stays the calendar app's."""
    browser = client.application.test_client()
    sign_in(browser, user)
    return browser


def make_feed(client, user, name="Phone", schedule=""):
    """Make a feed through `user`'s page in their own browser; the feed's path."""
    response = submit(signed_in(client, user), PAGE, {"name": name, "schedule": schedule})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    (path,) = set(_FEED_URL.findall(response.get_data(as_text=True)))
    return path


def events(data: bytes) -> tuple[list[icalendar.Event], list[object]]:
    """The events as two independent parsers read them; they must agree on the UIDs."""
    library = icalendar.Calendar.from_ical(data).walk("VEVENT")
    other = list(getattr(vobject.readOne(data.decode()), "vevent_list", []))
    assert sorted(str(e["UID"]) for e in library) == sorted(e.uid.value for e in other)
    return library, other


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


def test_a_staff_feed_is_valid_icalendar_with_utc_times_and_cache_headers(
    client, clinic, make_appointment
):
    booked = make_appointment(schedule=clinic["schedule"], service=clinic["service"])
    path = make_feed(client, clinic["staff"])

    response = client.get(path)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response.headers["Cache-Control"]
    assert response.headers["ETag"]
    (event,), (other,) = events(response.data)
    assert str(event["UID"]) == f"{booked.id}@safeslot"
    assert event.decoded("DTSTART") == booked.start_at
    assert other.dtstart.value == booked.start_at
    assert event["SEQUENCE"] == booked.sequence
    assert str(icalendar.Calendar.from_ical(response.data)["X-WR-CALNAME"]) == "Riverside Clinic"


def test_busy_only_is_the_default_and_hides_names_and_services(client, clinic, make_appointment):
    make_appointment(schedule=clinic["schedule"], service=clinic["service"], customer=clinic["ada"])
    path = make_feed(client, clinic["staff"])

    data = client.get(path).data

    (event,), _ = events(data)
    assert str(event["SUMMARY"]) == "Appointment"
    assert b"Ada" not in data and b"Lovelace" not in data and b"Counselling" not in data


def test_the_privacy_level_chosen_by_an_admin_shows_initials_or_names(
    client, db_session, clinic, make_appointment
):
    make_appointment(schedule=clinic["schedule"], service=clinic["service"], customer=clinic["ada"])
    path = make_feed(client, clinic["staff"])

    clinic["client"].feed_privacy = Privacy.SERVICE_AND_INITIALS
    db_session.commit()
    (event,), _ = events(client.get(path).data)
    assert str(event["SUMMARY"]) == "Counselling – A.L."

    clinic["client"].feed_privacy = Privacy.FULL_DETAILS
    db_session.commit()
    (event,), _ = events(client.get(path).data)
    assert str(event["SUMMARY"]) == "Counselling – Ada Lovelace"


def test_a_name_that_tries_to_inject_an_event_stays_text(
    client, db_session, clinic, make_appointment, make_user
):
    eve = make_user(client=clinic["client"], display_name="Eve\r\nEND:VEVENT\r\nBEGIN:VEVENT")
    make_appointment(schedule=clinic["schedule"], service=clinic["service"], customer=eve)
    clinic["client"].feed_privacy = Privacy.FULL_DETAILS
    db_session.commit()
    path = make_feed(client, clinic["staff"])

    library, other = events(client.get(path).data)

    assert len(library) == 1 and len(other) == 1
    assert "END:VEVENT" in str(library[0]["SUMMARY"])


def test_a_customer_feed_holds_only_their_own_appointments(client, clinic, make_appointment):
    mine = make_appointment(
        schedule=clinic["schedule"], service=clinic["service"], customer=clinic["ada"]
    )
    make_appointment(
        schedule=clinic["schedule"],
        service=clinic["service"],
        customer=clinic["bob"],
        start_at=mine.start_at + timedelta(hours=1),
    )
    path = make_feed(client, clinic["ada"])

    (event,), _ = events(client.get(path).data)

    assert str(event["UID"]) == f"{mine.id}@safeslot"


def test_a_schedule_feed_in_another_zone_holds_that_schedule_in_utc(
    client, clinic, make_schedule, make_appointment
):
    new_york = make_schedule(
        client=clinic["client"], timezone="America/New_York", services=[clinic["service"]]
    )
    nine_in_new_york = datetime(2031, 3, 3, 14, 0, tzinfo=UTC)
    there = make_appointment(
        schedule=new_york, service=clinic["service"], start_at=nine_in_new_york
    )
    make_appointment(schedule=clinic["schedule"], service=clinic["service"])
    path = make_feed(client, clinic["staff"], schedule=str(new_york.id))

    (event,), (other,) = events(client.get(path).data)

    assert str(event["UID"]) == f"{there.id}@safeslot"
    assert event.decoded("DTSTART") == nine_in_new_york
    assert other.dtstart.value == nine_in_new_york


def test_recently_cancelled_appointments_are_sent_as_cancelled(client, clinic, make_appointment):
    make_appointment(
        schedule=clinic["schedule"],
        service=clinic["service"],
        status=AppointmentStatus.CANCELLED,
    )
    path = make_feed(client, clinic["staff"])

    (event,), (other,) = events(client.get(path).data)

    assert str(event["STATUS"]) == "CANCELLED"
    assert other.status.value == "CANCELLED"


def test_a_repeat_poll_with_the_etag_gets_304_until_something_changes(
    client, db_session, clinic, make_appointment
):
    booked = make_appointment(schedule=clinic["schedule"], service=clinic["service"])
    path = make_feed(client, clinic["staff"])
    etag = client.get(path).headers["ETag"]

    unchanged = client.get(path, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.data == b""

    booked.sequence += 1
    booked.updated_at = datetime.now(UTC)
    db_session.commit()
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    (event,), _ = events(changed.data)
    assert event["SEQUENCE"] == booked.sequence


def test_every_fetch_is_counted(client, db_session, clinic):
    path = make_feed(client, clinic["staff"])
    client.get(path)
    client.get(path)

    feed = db_session.query(CalendarFeedToken).one()
    assert feed.use_count == 2
    assert feed.last_used_at is not None
    assert path.split("/")[-1].removesuffix(".ics") not in feed.token_hash


def test_a_revoked_feed_answers_404_at_once(client, db_session, clinic):
    path = make_feed(client, clinic["staff"])
    assert client.get(path).status_code == 200
    feed = db_session.query(CalendarFeedToken).one()

    browser = signed_in(client, clinic["staff"])
    browser.post(f"{PAGE}/{feed.id}/revoke", data={"csrf_token": _csrf(browser)})

    assert client.get(path).status_code == 404


def test_a_deactivated_users_feeds_answer_404(client, db_session, clinic):
    path = make_feed(client, clinic["staff"])
    clinic["staff"].is_active = False
    db_session.commit()

    assert client.get(path).status_code == 404


def test_an_unknown_token_answers_404(client):
    assert client.get("/feeds/not-a-real-token.ics").status_code == 404


def test_regenerating_stops_the_old_address_and_keeps_the_name(client, db_session, clinic):
    old_path = make_feed(client, clinic["ada"], name="Laptop")
    feed = db_session.query(CalendarFeedToken).one()

    browser = signed_in(client, clinic["ada"])
    response = browser.post(f"{PAGE}/{feed.id}/regenerate", data={"csrf_token": _csrf(browser)})
    (new_path,) = set(_FEED_URL.findall(response.get_data(as_text=True)))

    assert client.get(old_path).status_code == 404
    assert client.get(new_path).status_code == 200
    assert "Laptop" in response.get_data(as_text=True)


def test_renaming_a_feed_and_another_persons_feed_is_not_found(client, db_session, clinic):
    make_feed(client, clinic["ada"], name="Laptop")
    feed = db_session.query(CalendarFeedToken).one()

    bob = signed_in(client, clinic["bob"])
    renamed = bob.post(f"{PAGE}/{feed.id}/rename", data={"csrf_token": _csrf(bob), "name": "Mine"})
    revoked = bob.post(f"{PAGE}/{feed.id}/revoke", data={"csrf_token": _csrf(bob)})
    assert (renamed.status_code, revoked.status_code) == (404, 404)

    ada = signed_in(client, clinic["ada"])
    ada.post(f"{PAGE}/{feed.id}/rename", data={"csrf_token": _csrf(ada), "name": "Tablet"})
    db_session.rollback()  # end the read that began before the change
    assert db_session.get(CalendarFeedToken, feed.id).name == "Tablet"
    assert db_session.get(CalendarFeedToken, feed.id).revoked_at is None


def test_the_feed_is_rate_limited_per_token(config, clinic):
    with app_with(config.with_overrides(ratelimit_enabled=True)) as app:
        client = app.test_client()
        path = make_feed(client, clinic["staff"])
        codes = [client.get(path).status_code for _ in range(61)]

    assert codes[:60] == [200] * 60
    assert codes[60] == 429


def _csrf(client) -> str:
    page = client.get(PAGE).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_an_admin_sees_and_revokes_any_feed_of_the_client(client, clinic):
    path = make_feed(client, clinic["ada"], name="Ada's phone")
    admin = signed_in(client, clinic["admin"])

    page = admin.get("/staff/calendar-feeds").get_data(as_text=True)
    (feed_id,) = re.findall(r"/staff/calendar-feeds/([0-9a-f-]+)/revoke", page)
    assert "Ada&#39;s phone" in page
    admin.post(f"/staff/calendar-feeds/{feed_id}/revoke", data={"csrf_token": _csrf(admin)})

    assert client.get(path).status_code == 404


def test_staff_may_not_open_the_admin_feed_page(client, clinic):
    staff = signed_in(client, clinic["staff"])

    assert staff.get("/staff/calendar-feeds").status_code == 403


def test_an_admin_chooses_the_privacy_level_and_busy_only_is_the_start(client, db_session, clinic):
    admin = signed_in(client, clinic["admin"])
    page = admin.get("/staff/calendar-feeds").get_data(as_text=True)
    assert re.search(r'value="busy_only"[^>]*checked|checked[^>]*value="busy_only"', page)

    response = submit(admin, "/staff/calendar-feeds", {"privacy": "full_details"})

    assert response.status_code == 303
    db_session.rollback()
    db_session.refresh(clinic["client"])
    assert clinic["client"].feed_privacy is Privacy.FULL_DETAILS


def test_a_change_outside_a_schedule_feed_still_answers_304(
    client, db_session, clinic, make_schedule, make_appointment
):
    make_appointment(schedule=clinic["schedule"], service=clinic["service"])
    elsewhere = make_schedule(client=clinic["client"], services=[clinic["service"]])
    path = make_feed(client, clinic["staff"], schedule=str(clinic["schedule"].id))
    etag = client.get(path).headers["ETag"]

    make_appointment(schedule=elsewhere, service=clinic["service"])

    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304


def test_cancellations_older_than_30_days_and_appointments_long_past_are_left_out(
    client, clinic, make_appointment
):
    long_ago = datetime.now(UTC) - timedelta(days=200)
    make_appointment(
        schedule=clinic["schedule"],
        service=clinic["service"],
        status=AppointmentStatus.CANCELLED,
        updated_at=datetime.now(UTC) - timedelta(days=31),
    )
    make_appointment(schedule=clinic["schedule"], service=clinic["service"], start_at=long_ago)
    path = make_feed(client, clinic["staff"])

    library, other = events(client.get(path).data)

    assert library == [] and other == []


def test_a_feed_of_another_clients_schedule_cannot_be_made(client, clinic, make_schedule):
    foreign = make_schedule()
    browser = signed_in(client, clinic["staff"])

    response = submit(browser, PAGE, {"name": "Phone", "schedule": str(foreign.id)})

    assert response.status_code == 400
    assert "/feeds/" not in response.get_data(as_text=True)


def test_renaming_a_service_reaches_subscribed_calendars(client, clinic, make_appointment):
    booked = make_appointment(schedule=clinic["schedule"], service=clinic["service"])
    admin = signed_in(client, clinic["admin"])
    submit(admin, "/staff/calendar-feeds", {"privacy": Privacy.SERVICE_AND_INITIALS.value})
    path = make_feed(client, clinic["staff"])
    before = client.get(path)

    service_page = f"/staff/services/{clinic['service'].id}/edit"
    form = {"name": "Talking therapy", "duration_minutes": "50", "is_active": "y"}
    assert submit(admin, service_page, form).status_code == 302

    after = client.get(path, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    (event,), _ = events(after.data)
    assert str(event["SUMMARY"]).startswith("Talking therapy")
    assert event["SEQUENCE"] > booked.sequence


def test_making_revoking_feeds_and_choosing_the_privacy_level_are_audited(
    client, db_session, clinic
):
    from app.models.audit import AuditEvent

    path = make_feed(client, clinic["staff"])
    admin = signed_in(client, clinic["admin"])
    submit(admin, "/staff/calendar-feeds", {"privacy": Privacy.FULL_DETAILS.value})
    feed = db_session.query(CalendarFeedToken).one()
    assert client.get(path).status_code == 200
    admin.post(f"/staff/calendar-feeds/{feed.id}/revoke", data={"csrf_token": _csrf(admin)})
    assert client.get(path).status_code == 404

    db_session.rollback()  # a fresh snapshot, with what the requests wrote
    events = db_session.query(AuditEvent).order_by(AuditEvent.seq).all()
    feed_events = [(e.action, e.actor_id) for e in events if e.object_type == "calendar_feed"]
    assert feed_events == [
        ("calendar_feed.create", clinic["staff"].id),
        ("calendar_feed.revoke", clinic["admin"].id),
    ]
    (privacy,) = [e for e in events if e.fields == ["feed_privacy"]]
    assert (privacy.action, privacy.actor_id) == ("settings.change", clinic["admin"].id)
