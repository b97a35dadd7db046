"""Schedule pages: administrators create and change; bad input says what is wrong, saves nothing."""

from datetime import date, time

import pytest
from sqlalchemy import select

from app.models import Closure, DateOverride, Schedule, WeeklyHours
from tests.services.staff_setup import fresh, snapshot
from tests.web.staff.helpers import post, sign_in, text

VALID = {
    "name": "Group room",
    "slug": "group-room",
    "timezone": "Europe/Paris",
    "slot_step_minutes": "30",
    "buffer_before_minutes": "0",
    "buffer_after_minutes": "10",
    "min_notice_minutes": "120",
    "horizon_days": "90",
    "capacity": "6",
    "daily_cap": "",
    "weekly_cap": "",
    "approval_required": "y",
    "is_active": "y",
}


def stored(db_session, schedule) -> Schedule:
    fresh(db_session)
    return db_session.get(Schedule, schedule.id)


def test_an_administrator_creates_a_schedule_and_is_sent_to_its_hours(client, db_session, team):
    sign_in(client, team.admin)
    response = post(client, "/staff/schedules/new", {**VALID, "service_ids": str(team.service.id)})
    assert response.status_code == 302
    created = db_session.scalars(select(Schedule).where(Schedule.slug == "group-room")).one()
    assert response.headers["Location"].endswith(f"/staff/schedules/{created.id}/hours")
    assert (created.timezone, created.capacity, created.approval_required) == (
        "Europe/Paris",
        6,
        True,
    )
    assert [s.id for s in created.services] == [team.service.id]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"name": ""}, "Give the schedule a name."),
        ({"slug": "Group Room!"}, "A web address name is 1 to 63 lower-case letters"),
        ({"timezone": "Paris"}, "“Paris” is not a time zone we know."),
        ({"slot_step_minutes": "2"}, "The slot step must be between 5 and 240 minutes."),
        ({"slot_step_minutes": "ten"}, "Slot step (minutes): enter a whole number, like 15."),
        ({"buffer_after_minutes": "300"}, "The buffer after must be between 0 and 240 minutes."),
        ({"min_notice_minutes": ""}, "Fill in the minimum notice (minutes)."),
        ({"horizon_days": "1000"}, "The booking horizon must be between 1 and 730 days."),
        ({"capacity": "0"}, "The capacity must be between 1 and 1,000 people at a time."),
        ({"weekly_cap": "0"}, "The weekly limit must be between 1 and 10,000 bookings."),
        ({"service_ids": "not-an-id"}, "Invalid choice"),
    ],
)
def test_each_kind_of_bad_input_is_a_400_with_the_reason_and_saves_nothing(
    client, db_session, team, bad, message
):
    sign_in(client, team.admin)
    before = snapshot(db_session)
    response = post(client, "/staff/schedules/new", {**VALID, **bad})
    assert response.status_code == 400
    assert message in text(response)
    assert snapshot(db_session) == before


def test_a_slug_already_used_is_a_409_and_saves_nothing(client, db_session, team):
    sign_in(client, team.admin)
    before = snapshot(db_session)
    response = post(client, "/staff/schedules/new", {**VALID, "slug": team.schedule.slug})
    assert response.status_code == 409
    assert "Another schedule already uses that web address name." in text(response)
    assert snapshot(db_session) == before


def test_editing_a_schedule_saves_the_change_and_bumps_its_version(client, db_session, team):
    version = team.schedule.availability_version
    sign_in(client, team.admin)
    form = client.get(f"/staff/schedules/{team.schedule.id}/edit")
    assert f'value="{team.schedule.name}"' in text(form)
    data = {**VALID, "slug": team.schedule.slug, "staff_ids": str(team.staff.id)}
    response = post(client, f"/staff/schedules/{team.schedule.id}/edit", data)
    assert response.status_code == 302
    after = stored(db_session, team.schedule)
    assert (after.name, after.capacity, after.availability_version) == (
        "Group room",
        6,
        version + 1,
    )
    assert after.services == [] and [m.id for m in after.staff] == [team.staff.id]


def test_a_rejected_edit_changes_nothing(client, db_session, team):
    sign_in(client, team.admin)
    before = snapshot(db_session)
    data = {**VALID, "slug": team.schedule.slug, "capacity": "5000"}
    response = post(client, f"/staff/schedules/{team.schedule.id}/edit", data)
    assert response.status_code == 400
    assert snapshot(db_session) == before


def hours_form(**days) -> dict:
    return {f"day_{n}": days.get(f"day_{n}", "") for n in range(7)}


def test_weekly_hours_are_saved_from_text(client, db_session, team):
    sign_in(client, team.admin)
    response = post(
        client,
        f"/staff/schedules/{team.schedule.id}/hours",
        hours_form(day_0="09:00-12:30, 13:30-17:00", day_5="10:00-12:00"),
    )
    assert response.status_code == 302
    rows = db_session.scalars(
        select(WeeklyHours)
        .where(WeeklyHours.schedule_id == team.schedule.id)
        .order_by(WeeklyHours.weekday, WeeklyHours.start_time)
    ).all()
    assert [(r.weekday, r.start_time, r.end_time) for r in rows] == [
        (0, time(9), time(12, 30)),
        (0, time(13, 30), time(17)),
        (5, time(10), time(12)),
    ]


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ({"day_1": "13:00-12:00"}, "Tuesday: 13:00-12:00 ends before it starts."),
        ({"day_3": "9 to 5"}, "Thursday: “9 to 5” is not a time range"),
        ({"day_4": "09:00-12:00, 11:00-13:00"}, "Friday: 09:00-12:00 and 11:00-13:00 overlap."),
        ({"day_6": "08:00-25:00"}, "Sunday: 25:00 is not a time of day"),
    ],
)
def test_hours_that_cannot_be_used_name_the_weekday_and_save_nothing(
    client, db_session, team, days, message
):
    sign_in(client, team.admin)
    before = snapshot(db_session)
    response = post(client, f"/staff/schedules/{team.schedule.id}/hours", hours_form(**days))
    assert response.status_code == 400
    assert message in text(response)
    assert snapshot(db_session) == before


def test_a_date_override_and_a_closure_are_added_and_removed(client, db_session, team):
    sign_in(client, team.admin)
    base = f"/staff/schedules/{team.schedule.id}"
    assert post(client, f"{base}/overrides", {"date": "2031-03-05", "hours": ""}).status_code == 302
    closure = {"first_date": "2031-12-24", "last_date": "2031-12-26", "reason": "Holidays"}
    assert post(client, f"{base}/closures", closure).status_code == 302
    page = text(client.get(base))
    assert "Wednesday 5 March 2031: closed" in page
    assert "Wednesday 24 December 2031 to Friday 26 December 2031: Holidays" in page

    (stored_closure,) = db_session.scalars(select(Closure)).all()
    assert post(client, f"{base}/overrides/2031-03-05/delete").status_code == 302
    assert post(client, f"{base}/closures/{stored_closure.id}/delete").status_code == 302
    fresh(db_session)
    assert db_session.scalars(select(DateOverride)).all() == []
    assert db_session.scalars(select(Closure)).all() == []


def test_a_closure_ending_before_it_starts_is_refused_on_the_schedule_page(
    client, db_session, team
):
    sign_in(client, team.admin)
    before = snapshot(db_session)
    closure = {"first_date": "2031-12-26", "last_date": "2031-12-24", "reason": ""}
    response = post(client, f"/staff/schedules/{team.schedule.id}/closures", closure)
    assert response.status_code == 400
    assert "The last day comes before the first day." in text(response)
    assert snapshot(db_session) == before


def test_an_override_with_unreadable_hours_is_refused(client, db_session, team):
    sign_in(client, team.admin)
    before = snapshot(db_session)
    data = {"date": "2031-03-05", "hours": "all day"}
    response = post(client, f"/staff/schedules/{team.schedule.id}/overrides", data)
    assert response.status_code == 400
    assert "Hours: “all day” is not a time range" in text(response)
    assert snapshot(db_session) == before


def test_staff_see_schedules_but_cannot_change_them(client, team):
    sign_in(client, team.staff)
    assert client.get("/staff/schedules").status_code == 200
    page = client.get(f"/staff/schedules/{team.schedule.id}")
    assert page.status_code == 200 and "Change settings" not in text(page)
    base = f"/staff/schedules/{team.schedule.id}"
    for path in ("/staff/schedules/new", f"{base}/edit", f"{base}/hours"):
        assert client.get(path).status_code == 403
    for path in (f"{base}/overrides", f"{base}/closures", f"{base}/overrides/2031-03-05/delete"):
        assert post(client, path, {"date": "2031-03-05"}).status_code == 403


def test_unused_date_in_an_override_address_finds_nothing(client, team):
    sign_in(client, team.admin)
    base = f"/staff/schedules/{team.schedule.id}"
    assert post(client, f"{base}/overrides/2031-03-05/delete").status_code == 404
    assert post(client, f"{base}/overrides/not-a-date/delete").status_code == 404
    assert date(2031, 3, 5)  # the date is well formed; it simply has no override
