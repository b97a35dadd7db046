"""The agenda and the customer records: local days of the right zone, only the client's rows."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.errors import NotFound
from app.models import AppointmentStatus
from app.services.agenda import load_agenda
from app.services.appointment_records import (
    appointment_record,
    customer_history,
    customer_list,
)
from app.services.changes import cancel
from tests.services.staff_setup import make_office

NOW = datetime(2031, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def office(make_client, make_user, make_service):
    return make_office(make_client, make_user, make_service)


def agenda(session, office, day, *, schedule=None, week=False):
    return load_agenda(
        session,
        office.scope,
        schedule_id=schedule.id if schedule else None,
        day=day,
        week=week,
        now=NOW,
    )


def test_a_schedules_agenda_uses_its_own_zone_for_days_and_times(
    db_session, office, make_schedule, make_appointment
):
    new_york = make_schedule(client=office.client, timezone="America/New_York")
    # 02:00 UTC on Tuesday is 21:00 on Monday in New York (EST, UTC-5).
    late = make_appointment(schedule=new_york, start_at=datetime(2031, 3, 4, 2, tzinfo=UTC))
    shown = agenda(db_session, office, date(2031, 3, 3), schedule=new_york)
    (day,) = shown.days
    assert shown.zone == "America/New_York"
    assert [(i.id, f"{i.start:%H:%M}") for i in day.items] == [(late.id, "21:00")]
    # Across all schedules the client's zone (London) puts it on Tuesday at 02:00.
    tuesday = agenda(db_session, office, date(2031, 3, 4))
    assert tuesday.zone == "Europe/London"
    assert [f"{i.start:%H:%M}" for i in tuesday.days[0].items] == ["02:00"]


def test_day_boundaries_follow_daylight_saving_time(
    db_session, office, make_schedule, make_appointment
):
    schedule = make_schedule(client=office.client)
    # 23:30 UTC on 30 March 2031 is 00:30 on 31 March in London (BST since that morning).
    appointment = make_appointment(
        schedule=schedule, start_at=datetime(2031, 3, 30, 23, 30, tzinfo=UTC)
    )
    assert agenda(db_session, office, date(2031, 3, 30), schedule=schedule).days[0].items == []
    (item,) = agenda(db_session, office, date(2031, 3, 31), schedule=schedule).days[0].items
    assert (item.id, f"{item.start:%H:%M}") == (appointment.id, "00:30")


def test_the_week_runs_monday_to_sunday_with_each_day_listed(
    db_session, office, make_schedule, make_appointment
):
    schedule = make_schedule(client=office.client)
    make_appointment(schedule=schedule, start_at=datetime(2031, 3, 5, 10, tzinfo=UTC))
    shown = agenda(db_session, office, date(2031, 3, 6), schedule=schedule, week=True)
    assert [d.day for d in shown.days] == [date(2031, 3, 3) + timedelta(n) for n in range(7)]
    assert [len(d.items) for d in shown.days] == [0, 0, 1, 0, 0, 0, 0]


def test_pending_approval_counts_upcoming_requests_of_the_client_only(
    db_session, office, make_schedule, make_appointment
):
    schedule = make_schedule(client=office.client)
    requested = AppointmentStatus.REQUESTED
    make_appointment(schedule=schedule, status=requested, start_at=NOW + timedelta(days=2))
    make_appointment(schedule=schedule, status=requested, start_at=NOW - timedelta(days=2))
    make_appointment(schedule=schedule, start_at=NOW + timedelta(days=3))
    make_appointment(status=requested, start_at=NOW + timedelta(days=2))  # another client
    shown = agenda(db_session, office, date(2031, 3, 3))
    assert shown.pending_count == 1 and len(shown.pending) == 1


def test_another_clients_schedule_has_no_agenda_here(db_session, office, make_schedule):
    with pytest.raises(NotFound):
        agenda(db_session, office, date(2031, 3, 3), schedule=make_schedule())


def test_the_customer_list_counts_each_customers_appointments(
    db_session, office, make_user, make_schedule, make_appointment
):
    schedule = make_schedule(client=office.client)
    busy = make_user(client=office.client, display_name="Ann")
    idle = make_user(client=office.client, display_name="Bob")
    for hour in (9, 11):
        make_appointment(schedule=schedule, customer=busy, start_at=NOW.replace(hour=hour))
    make_user(display_name="Outsider")
    rows = customer_list(db_session, office.scope)
    assert [(r.name, r.appointment_count) for r in rows] == [("Ann", 2), ("Bob", 0)]
    assert {r.id for r in rows} == {busy.id, idle.id}


def test_a_customers_history_splits_upcoming_from_past(
    db_session, office, make_user, make_schedule, make_appointment
):
    schedule = make_schedule(client=office.client)
    customer = make_user(client=office.client)
    past = make_appointment(schedule=schedule, customer=customer, start_at=NOW - timedelta(days=7))
    soon = make_appointment(schedule=schedule, customer=customer, start_at=NOW + timedelta(days=1))
    later = make_appointment(schedule=schedule, customer=customer, start_at=NOW + timedelta(days=9))
    history = customer_history(db_session, office.scope, customer.id, now=NOW)
    assert [item.id for item, _ in history.upcoming] == [soon.id, later.id]
    assert [(item.id, zone) for item, zone in history.past] == [(past.id, "Europe/London")]


def test_an_appointment_record_names_who_changed_it(
    db_session, office, make_schedule, make_appointment
):
    schedule = make_schedule(client=office.client)
    appointment = make_appointment(schedule=schedule, start_at=NOW + timedelta(days=3))
    # The factory records the booking a day before the start; cancel after that.
    later = NOW + timedelta(days=2, hours=12)
    cancel(
        db_session, office.scope, appointment.id, actor=office.staff, now=later, reason="Ill today"
    )
    record = appointment_record(db_session, office.scope, appointment.id)
    assert [(h.to_status, h.by, h.reason) for h in record.history] == [
        (AppointmentStatus.CONFIRMED, "SafeSlot", None),
        (AppointmentStatus.CANCELLED, office.staff.display_name, "Ill today"),
    ]
