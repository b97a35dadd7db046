"""Weekly hours, date overrides and closures: refusals name the day, and save nothing."""

from datetime import date, time

import pytest

from app.errors import AccessDenied, NotFound
from app.models import Schedule
from app.services.field_errors import InvalidField
from app.services.opening_hours import (
    add_closure,
    remove_closure,
    remove_date_override,
    set_date_override,
    set_weekly_hours,
)
from tests.services.staff_setup import fresh, make_office, snapshot

MORNING = (time(9), time(12, 30))
AFTERNOON = (time(13, 30), time(17))


@pytest.fixture
def office(make_client, make_user, make_service):
    return make_office(make_client, make_user, make_service)


@pytest.fixture
def schedule(office, make_schedule):
    return make_schedule(client=office.client, services=[office.service])


def stored(session, schedule) -> Schedule:
    fresh(session)
    return session.get(Schedule, schedule.id)


def test_weekly_hours_are_replaced_and_the_availability_version_bumped(
    db_session, office, schedule
):
    version = schedule.availability_version
    set_weekly_hours(
        db_session, office.scope, schedule.id, {1: [AFTERNOON, MORNING]}, actor=office.admin
    )
    after = stored(db_session, schedule)
    assert [(r.weekday, r.start_time, r.end_time) for r in after.weekly_hours] == [
        (1, *MORNING),
        (1, *AFTERNOON),
    ]
    assert after.availability_version == version + 1


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ({1: [(time(13), time(12))]}, "Tuesday: 13:00-12:00 ends before it starts."),
        ({3: [(time(9), time(9))]}, "Thursday: 09:00-09:00 ends as soon as it starts."),
        (
            {4: [(time(9), time(12)), (time(11, 30), time(13))]},
            "Friday: 09:00-12:00 and 11:30-13:00 overlap.",
        ),
        ({6: [(time(h), time(h, 30)) for h in range(8, 15)]}, "Sunday: at most 6"),
        ({7: [MORNING]}, "Weekdays run from Monday to Sunday."),
    ],
)
def test_impossible_weekly_hours_are_refused_naming_the_weekday(
    db_session, office, schedule, hours, message
):
    before = snapshot(db_session)
    with pytest.raises(InvalidField) as refused:
        set_weekly_hours(db_session, office.scope, schedule.id, hours, actor=office.admin)
    assert str(refused.value).startswith(message)
    assert snapshot(db_session) == before


def test_the_refused_weekday_is_the_field_that_shows_the_error(db_session, office, schedule):
    with pytest.raises(InvalidField) as refused:
        set_weekly_hours(
            db_session, office.scope, schedule.id, {2: [(time(18), time(8))]}, actor=office.admin
        )
    assert refused.value.field == "day_2"


def test_a_date_override_replaces_an_earlier_one_of_the_same_date(db_session, office, schedule):
    day = date(2031, 3, 4)
    set_date_override(db_session, office.scope, schedule.id, day, [MORNING], actor=office.admin)
    set_date_override(db_session, office.scope, schedule.id, day, [], actor=office.admin)
    rows = stored(db_session, schedule).date_overrides
    assert [(r.date, r.is_closed) for r in rows] == [(day, True)]


def test_an_override_with_overlapping_hours_is_refused_naming_the_date(
    db_session, office, schedule
):
    before = snapshot(db_session)
    with pytest.raises(InvalidField, match="Tuesday 4 March 2031: 09:00-12:30 and 12:00-13:00"):
        set_date_override(
            db_session,
            office.scope,
            schedule.id,
            date(2031, 3, 4),
            [MORNING, (time(12), time(13))],
            actor=office.admin,
        )
    assert snapshot(db_session) == before


def test_removing_an_override_lets_the_date_follow_the_weekly_hours(db_session, office, schedule):
    day = date(2031, 3, 4)
    set_date_override(db_session, office.scope, schedule.id, day, [], actor=office.admin)
    remove_date_override(db_session, office.scope, schedule.id, day, actor=office.admin)
    assert stored(db_session, schedule).date_overrides == []
    with pytest.raises(NotFound):
        remove_date_override(db_session, office.scope, schedule.id, day, actor=office.admin)


def test_a_closure_is_added_and_removed(db_session, office, schedule):
    add_closure(
        db_session,
        office.scope,
        schedule.id,
        date(2031, 12, 24),
        date(2031, 12, 26),
        " Christmas ",
        actor=office.admin,
    )
    (closure,) = stored(db_session, schedule).closures
    assert (closure.first_date, closure.last_date, closure.reason) == (
        date(2031, 12, 24),
        date(2031, 12, 26),
        "Christmas",
    )
    remove_closure(db_session, office.scope, schedule.id, closure.id, actor=office.admin)
    assert stored(db_session, schedule).closures == []


@pytest.mark.parametrize(
    ("first", "last", "reason", "message"),
    [
        (date(2031, 5, 2), date(2031, 5, 1), "", "The last day comes before the first day."),
        (date(2031, 1, 1), date(2032, 6, 1), "", "at most a year"),
        (date(2031, 5, 1), date(2031, 5, 1), "x" * 201, "at most 200 characters"),
    ],
)
def test_an_impossible_closure_is_refused_and_nothing_saved(
    db_session, office, schedule, first, last, reason, message
):
    before = snapshot(db_session)
    with pytest.raises(InvalidField, match=message):
        add_closure(db_session, office.scope, schedule.id, first, last, reason, actor=office.admin)
    assert snapshot(db_session) == before


def test_a_closure_of_another_schedule_cannot_be_removed_through_this_one(
    db_session, office, schedule, make_schedule
):
    other = make_schedule(client=office.client)
    add_closure(
        db_session,
        office.scope,
        other.id,
        date(2031, 5, 1),
        date(2031, 5, 1),
        "",
        actor=office.admin,
    )
    (closure,) = stored(db_session, other).closures
    before = snapshot(db_session)
    with pytest.raises(NotFound):
        remove_closure(db_session, office.scope, schedule.id, closure.id, actor=office.admin)
    assert snapshot(db_session) == before


def test_opening_hours_of_another_client_cannot_be_changed(db_session, office, make_schedule):
    foreign = make_schedule()
    with pytest.raises(NotFound):
        set_weekly_hours(db_session, office.scope, foreign.id, {0: [MORNING]}, actor=office.admin)


def test_staff_cannot_change_opening_hours(db_session, office, schedule):
    with pytest.raises(AccessDenied):
        set_weekly_hours(db_session, office.scope, schedule.id, {}, actor=office.staff)


def test_every_change_to_opening_hours_bumps_the_availability_version(db_session, office, schedule):
    day, scope, actor = date(2031, 3, 4), office.scope, office.admin
    changes = [
        lambda: set_date_override(db_session, scope, schedule.id, day, [MORNING], actor=actor),
        lambda: remove_date_override(db_session, scope, schedule.id, day, actor=actor),
        lambda: add_closure(db_session, scope, schedule.id, day, day, "", actor=actor),
        lambda: remove_closure(
            db_session, scope, schedule.id, stored(db_session, schedule).closures[0].id, actor=actor
        ),
    ]
    for change in changes:
        version = stored(db_session, schedule).availability_version
        change()
        assert stored(db_session, schedule).availability_version == version + 1
