"""Creating and changing schedules: every rule refused in words, and nothing saved on refusal."""

from dataclasses import replace

import pytest

from app.errors import AccessDenied, NotFound
from app.models import Schedule
from app.scope import Scope
from app.services.field_errors import FieldConflict, InvalidField
from app.services.schedule_rules import ScheduleSettings
from app.services.schedules import create_schedule, update_schedule
from tests.services.staff_setup import fresh, make_office, snapshot


@pytest.fixture
def office(make_client, make_user, make_service):
    return make_office(make_client, make_user, make_service)


def settings(**overrides) -> ScheduleSettings:
    values = {"name": " Dr. Osei ", "slug": "dr-osei", "timezone": "Europe/London"}
    return ScheduleSettings(**{**values, **overrides})


def test_creating_a_schedule_saves_its_settings_services_and_staff(db_session, office):
    created = create_schedule(
        db_session,
        office.scope,
        settings(
            slot_step_minutes=20,
            capacity=6,
            daily_cap=10,
            approval_required=True,
            service_ids=(office.service.id,),
            staff_ids=(office.staff.id,),
        ),
        actor=office.admin,
    )
    fresh(db_session)
    stored = db_session.get(Schedule, created.id)
    assert stored.client_id == office.client.id
    assert (stored.name, stored.slot_step_minutes, stored.capacity) == ("Dr. Osei", 20, 6)
    assert stored.daily_cap == 10 and stored.approval_required
    assert [s.id for s in stored.services] == [office.service.id]
    assert [m.id for m in stored.staff] == [office.staff.id]


INVALID = [
    ({"name": "  "}, "name", "Give the schedule a name."),
    ({"slug": "Dr Osei"}, "slug", "lower-case letters"),
    ({"timezone": "Mars/Olympus"}, "timezone", "is not a time zone we know"),
    ({"timezone": "localtime"}, "timezone", "is not a time zone we know"),
    ({"slot_step_minutes": 4}, "slot_step_minutes", "between 5 and 240 minutes"),
    ({"slot_step_minutes": 241}, "slot_step_minutes", "between 5 and 240 minutes"),
    ({"buffer_before_minutes": -1}, "buffer_before_minutes", "between 0 and 240 minutes"),
    ({"buffer_after_minutes": 241}, "buffer_after_minutes", "between 0 and 240 minutes"),
    ({"min_notice_minutes": -5}, "min_notice_minutes", "The minimum notice must be"),
    ({"horizon_days": 0}, "horizon_days", "between 1 and 730 days"),
    ({"horizon_days": 731}, "horizon_days", "between 1 and 730 days"),
    ({"capacity": 0}, "capacity", "between 1 and 1,000"),
    ({"capacity": 1001}, "capacity", "between 1 and 1,000"),
    ({"daily_cap": 0}, "daily_cap", "The daily limit must be"),
    ({"weekly_cap": 0}, "weekly_cap", "The weekly limit must be"),
    ({"min_notice_minutes": 1440, "horizon_days": 1}, "min_notice_minutes", "nothing could"),
]


@pytest.mark.parametrize(("bad", "field", "words"), INVALID)
def test_an_invalid_new_schedule_is_refused_in_words_and_nothing_is_saved(
    db_session, office, bad, field, words
):
    before = snapshot(db_session)
    with pytest.raises(InvalidField) as refused:
        create_schedule(db_session, office.scope, settings(**bad), actor=office.admin)
    assert refused.value.field == field
    assert words in str(refused.value)
    assert str(refused.value).endswith(".")
    assert snapshot(db_session) == before


@pytest.mark.parametrize(("bad", "field", "words"), INVALID)
def test_an_invalid_change_is_refused_and_the_schedule_is_untouched(
    db_session, office, make_schedule, bad, field, words
):
    schedule = make_schedule(client=office.client, services=[office.service])
    before = snapshot(db_session)
    wanted = settings(**{"slug": schedule.slug, **bad})
    with pytest.raises(InvalidField, match=words):
        update_schedule(db_session, office.scope, schedule.id, wanted, actor=office.admin)
    assert snapshot(db_session) == before


def test_a_slug_used_by_another_schedule_of_the_client_is_a_conflict(
    db_session, office, make_schedule
):
    make_schedule(client=office.client, slug="dr-osei")
    before = snapshot(db_session)
    with pytest.raises(FieldConflict) as refused:
        create_schedule(db_session, office.scope, settings(), actor=office.admin)
    assert refused.value.field == "slug"
    assert snapshot(db_session) == before


def test_another_clients_slug_does_not_clash(db_session, office, make_schedule):
    make_schedule(slug="dr-osei")  # a schedule of some other client
    assert create_schedule(db_session, office.scope, settings(), actor=office.admin).id


def test_changing_settings_bumps_the_availability_version_once(db_session, office, make_schedule):
    schedule = make_schedule(client=office.client, services=[office.service])
    version = schedule.availability_version
    update_schedule(
        db_session,
        office.scope,
        schedule.id,
        settings(slug=schedule.slug, buffer_after_minutes=10, service_ids=(office.service.id,)),
        actor=office.admin,
    )
    fresh(db_session)
    stored = db_session.get(Schedule, schedule.id)
    assert stored.availability_version == version + 1
    assert stored.buffer_after_minutes == 10


def test_a_service_of_another_client_finds_nothing_and_changes_nothing(
    db_session, office, make_schedule, make_service
):
    schedule = make_schedule(client=office.client)
    foreign = make_service()
    before = snapshot(db_session)
    with pytest.raises(NotFound):
        update_schedule(
            db_session,
            office.scope,
            schedule.id,
            settings(slug=schedule.slug, service_ids=(foreign.id,)),
            actor=office.admin,
        )
    assert snapshot(db_session) == before


def test_a_staff_member_of_another_client_cannot_be_assigned(
    db_session, office, make_schedule, make_user
):
    schedule = make_schedule(client=office.client)
    outsider = make_user(role=office.staff.role)
    with pytest.raises(NotFound):
        update_schedule(
            db_session,
            office.scope,
            schedule.id,
            settings(slug=schedule.slug, staff_ids=(outsider.id,)),
            actor=office.admin,
        )


def test_another_clients_schedule_cannot_be_changed(db_session, office, make_schedule):
    foreign = make_schedule()
    with pytest.raises(NotFound):
        update_schedule(db_session, office.scope, foreign.id, settings(), actor=office.admin)


def test_staff_who_are_not_administrators_cannot_create_or_change_schedules(
    db_session, office, make_schedule
):
    schedule = make_schedule(client=office.client)
    with pytest.raises(AccessDenied):
        create_schedule(db_session, office.scope, settings(), actor=office.staff)
    with pytest.raises(AccessDenied):
        update_schedule(db_session, office.scope, schedule.id, settings(), actor=office.staff)


def test_an_administrator_cannot_act_in_another_clients_scope(db_session, office, make_client):
    with pytest.raises(AccessDenied):
        create_schedule(db_session, Scope(make_client().id), settings(), actor=office.admin)


def test_names_are_trimmed_before_they_are_saved(db_session, office):
    created = create_schedule(
        db_session, office.scope, replace(settings(), slug=" dr-osei "), actor=office.admin
    )
    assert (created.name, created.slug) == ("Dr. Osei", "dr-osei")
