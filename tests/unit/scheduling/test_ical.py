"""The shared iCalendar renderer, read back by two independent parsers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import vobject

from scheduling.ical import (
    EventValues,
    Privacy,
    calendar_bytes,
    event_digest,
    feed_summary,
    initials,
    render_calendar,
    render_event,
)
from scheduling.status import AppointmentStatus

LONDON = ZoneInfo("Europe/London")
STAMP = datetime(2031, 1, 5, 9, 0, tzinfo=UTC)


def event(**overrides: object) -> EventValues:
    values: dict[str, object] = {
        "uid": "a1@safeslot",
        "start": datetime(2031, 3, 3, 10, 0, tzinfo=UTC),
        "end": datetime(2031, 3, 3, 10, 30, tzinfo=UTC),
        "stamp": STAMP,
        "last_modified": STAMP,
        "sequence": 2,
        "status": AppointmentStatus.CONFIRMED,
        "summary": "Appointment",
    }
    values.update(overrides)
    return EventValues(**values)


def both_parsers(data: bytes) -> tuple[list[icalendar.Event], list[object]]:
    library = icalendar.Calendar.from_ical(data).walk("VEVENT")
    other = list(vobject.readOne(data.decode()).vevent_list)
    return library, other


def test_a_feed_has_one_event_per_appointment_with_uid_sequence_and_stamps():
    data = render_calendar(
        [event(), event(uid="b2@safeslot")], name="Riverside", refresh_minutes=60
    )

    library, other = both_parsers(data)
    assert [str(e["UID"]) for e in library] == ["a1@safeslot", "b2@safeslot"]
    assert [e.uid.value for e in other] == ["a1@safeslot", "b2@safeslot"]
    assert library[0]["SEQUENCE"] == 2
    assert other[0].sequence.value == "2"
    assert library[0].decoded("DTSTAMP") == STAMP
    assert library[0].decoded("LAST-MODIFIED") == STAMP
    assert other[0].last_modified.value == STAMP
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["X-WR-CALNAME"]) == "Riverside"
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(hours=1)
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in data


def test_lines_end_in_crlf_and_long_text_is_folded():
    data = render_calendar([event(summary="Long " * 40)])

    assert data.count(b"\r\n") == data.count(b"\n")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    (parsed,), (other,) = both_parsers(data)
    assert str(parsed["SUMMARY"]) == "Long " * 40
    assert other.summary.value == "Long " * 40


def test_a_name_with_line_breaks_and_end_vevent_injects_nothing():
    hostile = "Eve\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:forged@evil\nSUMMARY:x;y,z\\"
    data = render_calendar([event(summary=hostile)])

    library, other = both_parsers(data)
    assert len(library) == 1 and len(other) == 1
    assert b"\r\nEND:VEVENT\r\nBEGIN:VEVENT" not in data.split(b"BEGIN:VEVENT", 1)[1][:200]
    assert b"forged@evil" not in data.replace(b"UID:forged@evil", b"")
    assert str(library[0]["UID"]) == "a1@safeslot"
    assert other[0].uid.value == "a1@safeslot"
    assert other[0].summary.value.replace("\r\n", "\n") == hostile.replace("\r\n", "\n")


def test_an_appointment_across_the_clock_change_keeps_its_real_length_in_utc():
    # 00:30 to 03:30 London on the night the clocks go forward: two hours, not three.
    start = datetime(2031, 3, 30, 0, 30, tzinfo=LONDON)
    end = datetime(2031, 3, 30, 3, 30, tzinfo=LONDON)
    data = render_calendar([event(start=start, end=end)])

    (parsed,), (other,) = both_parsers(data)
    assert b"DTSTART:20310330T003000Z" in data
    assert b"DTEND:20310330T023000Z" in data
    assert parsed.decoded("DTEND") - parsed.decoded("DTSTART") == timedelta(hours=2)
    assert other.dtend.value - other.dtstart.value == timedelta(hours=2)


def test_a_schedule_in_another_zone_is_written_as_the_same_instant_in_utc():
    start = datetime(2031, 3, 3, 9, 0, tzinfo=ZoneInfo("America/New_York"))
    data = render_calendar([event(start=start, end=start + timedelta(hours=1))])

    (parsed,), (other,) = both_parsers(data)
    assert parsed.decoded("DTSTART") == datetime(2031, 3, 3, 14, 0, tzinfo=UTC)
    assert other.dtstart.value == datetime(2031, 3, 3, 14, 0, tzinfo=UTC)


def test_cancelled_appointments_are_marked_cancelled_and_requests_tentative():
    data = render_calendar(
        [
            event(uid="c@safeslot", status=AppointmentStatus.CANCELLED),
            event(uid="r@safeslot", status=AppointmentStatus.REQUESTED),
        ]
    )

    library, other = both_parsers(data)
    assert [str(e["STATUS"]) for e in library] == ["CANCELLED", "TENTATIVE"]
    assert [e.status.value for e in other] == ["CANCELLED", "TENTATIVE"]


def test_method_publish_is_written_only_when_asked():
    assert b"METHOD:PUBLISH" in render_calendar([event()], method="PUBLISH", cache=False)
    assert b"METHOD" not in render_calendar([event()])


def test_equal_values_reuse_the_rendered_event():
    render_event.cache_clear()
    render_calendar([event()])
    render_calendar([event()])
    render_calendar([event(sequence=3)])

    info = render_event.cache_info()
    assert (info.hits, info.misses) == (1, 2)


def test_busy_only_names_nobody_and_initials_show_only_letters():
    names = {"service_name": "Counselling", "customer_name": "Ada Lovelace <b>"}

    assert feed_summary(Privacy.BUSY_ONLY, **names) == "Appointment"
    assert feed_summary(Privacy.SERVICE_AND_INITIALS, **names) == "Counselling – A.L."
    assert feed_summary(Privacy.FULL_DETAILS, **names) == "Counselling – Ada Lovelace <b>"
    assert initials("  jean-luc  picard ") == "J.P."


def test_the_event_digest_is_stable_and_moves_with_every_value_shown():
    same = event_digest(event())
    assert same == event_digest(event())
    changes = [
        {"uid": "b2@safeslot"},
        {"start": datetime(2031, 3, 3, 10, 5, tzinfo=UTC)},
        {"end": datetime(2031, 3, 3, 11, 0, tzinfo=UTC)},
        {"stamp": STAMP + timedelta(seconds=1)},
        {"last_modified": None},
        {"sequence": 3},
        {"status": AppointmentStatus.CANCELLED},
        {"summary": "Counselling – A.L."},
        {"description": "Room 2"},
    ]
    digests = {event_digest(event(**change)) for change in changes}
    assert same not in digests and len(digests) == len(changes)


def test_a_calendar_of_bytes_rendered_before_equals_one_rendered_now():
    values = [event(), event(uid="b2@safeslot", summary="Counselling")]
    kept = [render_event(v) for v in values]

    assert calendar_bytes(kept, name="Riverside") == render_calendar(
        values, name="Riverside", cache=False
    )
