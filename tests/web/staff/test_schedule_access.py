"""A staff member limited to the schedules they work on sees nothing of the others."""

from sqlalchemy import select

from app.models import Role, User
from app.models.audit import AuditEvent
from tests.services.staff_setup import fresh
from tests.web.staff.helpers import MONDAY, post, sign_in, text


def account(user) -> str:
    return f"/staff/security/accounts/{user.id}/schedules"


def two_rooms(db_session, team, make_schedule, make_appointment, make_user):
    """Room A (the staff member works on it) and Room B, each with one appointment."""
    room_b = make_schedule(client=team.client, services=[team.service], name="Room B")
    team.schedule.staff.append(team.staff)
    db_session.commit()
    other = make_user(client=team.client, display_name="Otto Other")
    mine = make_appointment(
        schedule=team.schedule,
        service=team.service,
        customer=team.customer,
        start_at=MONDAY.replace(hour=10),
    )
    theirs = make_appointment(
        schedule=room_b, service=team.service, customer=other, start_at=MONDAY.replace(hour=11)
    )
    return room_b, mine, theirs


def limit(db_session, user, own_only=True):
    user.sees_own_schedules_only = own_only
    db_session.commit()


def test_a_limited_staff_member_sees_only_the_schedules_they_work_on(
    client, db_session, team, make_schedule, make_appointment, make_user
):
    room_b, mine, theirs = two_rooms(db_session, team, make_schedule, make_appointment, make_user)
    limit(db_session, team.staff)
    sign_in(client, team.staff)

    assert client.get(f"/staff/appointments/{mine.id}").status_code == 200
    assert client.get(f"/staff/appointments/{theirs.id}").status_code == 404
    agenda = text(client.get(f"/staff/agenda?date={MONDAY.date()}&schedule={room_b.id}"))
    assert "Otto Other" not in agenda
    schedules = text(client.get("/staff/schedules"))
    assert team.schedule.name in schedules and "Room B" not in schedules


def test_without_the_limit_staff_and_administrators_see_every_schedule(
    client, db_session, team, make_schedule, make_appointment, make_user
):
    _, mine, theirs = two_rooms(db_session, team, make_schedule, make_appointment, make_user)
    sign_in(client, team.staff)
    assert client.get(f"/staff/appointments/{theirs.id}").status_code == 200

    admin = client.application.test_client()
    sign_in(admin, team.admin)
    for appointment in (mine, theirs):
        assert admin.get(f"/staff/appointments/{appointment.id}").status_code == 200


def test_an_administrator_switches_the_limit_on_the_account_page_and_it_is_audited(
    client, db_session, team, make_schedule, make_appointment, make_user
):
    _, _, theirs = two_rooms(db_session, team, make_schedule, make_appointment, make_user)
    staff = client.application.test_client()
    sign_in(staff, team.staff)
    sign_in(client, team.admin)
    page = text(client.get(f"/staff/security/accounts/{team.staff.id}"))
    assert f"Works on: {team.schedule.name}" in page

    assert post(client, account(team.staff), {"access": "own"}).status_code == 302

    assert staff.get(f"/staff/appointments/{theirs.id}").status_code == 404  # next request
    fresh(db_session)
    event = db_session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.schedule_access_change")
    ).one()
    assert event.object_id == str(team.staff.id)
    assert post(client, account(team.staff), {"access": "all"}).status_code == 302
    assert staff.get(f"/staff/appointments/{theirs.id}").status_code == 200


def test_a_limited_staff_members_calendar_feed_of_all_schedules_holds_only_theirs(
    client, db_session, team, make_schedule, make_appointment, make_user
):
    _, mine, theirs = two_rooms(db_session, team, make_schedule, make_appointment, make_user)
    limit(db_session, team.staff)
    sign_in(client, team.staff)
    made = post(client, "/account/calendar-feeds", {"name": "Phone", "schedule": ""})
    (path,) = {part for part in text(made).split() if "/feeds/" in part and ".ics" in part}
    feed = client.get(path[path.index("/feeds/") : path.index(".ics") + 4])

    assert f"{mine.id}@safeslot".encode() in feed.data
    assert f"{theirs.id}@safeslot".encode() not in feed.data


def test_bad_choices_change_nothing(client, db_session, make_user, team):
    other_admin = make_user(client=team.client, role=Role.CLIENT_ADMIN)
    sign_in(client, team.admin)

    for_admin = post(client, account(other_admin), {"access": "own"})
    nonsense = post(client, account(team.staff), {"access": "some"})
    customer = post(client, account(team.customer), {"access": "own"})

    assert for_admin.status_code == 400
    assert "Administrators always see every schedule." in text(for_admin)
    assert nonsense.status_code == 400
    assert customer.status_code == 404
    fresh(db_session)
    people = (other_admin, team.staff, team.customer)
    assert not any(db_session.get(User, p.id).sees_own_schedules_only for p in people)


def test_staff_may_not_change_who_sees_what(client, db_session, team):
    sign_in(client, team.staff)
    assert post(client, account(team.staff), {"access": "own"}).status_code == 403
    fresh(db_session)
    assert not db_session.get(User, team.staff.id).sees_own_schedules_only
