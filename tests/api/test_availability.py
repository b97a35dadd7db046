"""The public API reads: services on offer, and open slots equal to the engine's answer."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

import scheduling
from app.scope import busy_intervals
from app.services.engine_values import engine_busy, engine_schedule, engine_service
from scheduling.wallclock import day_start, to_utc
from tests.api.conftest import MONDAY_10, NOW
from tests.api.helpers import api_sign_in, error_of, post_json

LONDON = ZoneInfo("Europe/London")


def availability(client, world, **params):
    query = {"service": str(world.service.id), "from": "2031-03-01", "days": "7", **params}
    return client.get(f"{world.base}/availability", query_string=query)


def engine_days(db_session, schedule, service, first: date, days: int, zone: ZoneInfo):
    """What the engine offers, arranged as the API promises to arrange it."""
    period = scheduling.Period(
        to_utc(day_start(first, zone)), to_utc(day_start(first + timedelta(days=days), zone))
    )
    busy = engine_busy(
        busy_intervals(
            db_session,
            schedule.id,
            period.start - timedelta(days=1),
            period.end + timedelta(days=1),
        )
    )
    slots = scheduling.available_slots(
        engine_schedule(schedule),
        engine_service(service, [schedule.id]),
        busy,
        now=NOW,
        period=period,
    )
    grouped = scheduling.by_local_day(slots, zone)
    return [
        {
            "date": (first + timedelta(days=n)).isoformat(),
            "slots": [
                {
                    "start": f"{slot.start:%Y-%m-%dT%H:%M:%SZ}",
                    "end": f"{slot.end:%Y-%m-%dT%H:%M:%SZ}",
                    "local_time": f"{slot.start.astimezone(zone):%H:%M}",
                    "schedule": str(schedule.id),
                    "remaining": slot.remaining,
                }
                for slot in grouped.get(first + timedelta(days=n), [])
            ],
        }
        for n in range(days)
    ]


def test_services_lists_active_services_with_the_active_schedules_offering_them(
    client, world, make_service, make_schedule
):
    retired = make_service(client=world.client, name="Retired", is_active=False)
    closed = make_schedule(client=world.client, services=[world.service], is_active=False)
    make_schedule(client=world.client, services=[retired])

    response = client.get(f"{world.base}/services")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, max-age=0"
    (service,) = response.get_json()["data"]
    assert service["id"] == str(world.service.id)
    assert service["duration_minutes"] == 30
    assert [s["id"] for s in service["schedules"]] == [str(world.schedule.id)]
    assert str(closed.id) not in response.get_data(as_text=True)


def test_unknown_client_is_a_json_404(client):
    response = client.get("/api/v1/clients/nobody-here/services")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_availability_equals_the_engines_answer(client, db_session, world, make_appointment):
    make_appointment(schedule=world.schedule, service=world.service, start_at=MONDAY_10)

    response = availability(client, world, tz="Europe/London")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, max-age=0"
    data = response.get_json()["data"]
    assert data["timezone"] == "Europe/London"
    expected = engine_days(db_session, world.schedule, world.service, date(2031, 3, 1), 7, LONDON)
    assert data["days"] == expected
    monday = data["days"][2]["slots"]
    assert monday[0]["local_time"] == "09:00"
    assert "10:00" not in [slot["local_time"] for slot in monday]


def test_availability_is_grouped_by_the_viewers_local_date(client, db_session, world):
    zone = ZoneInfo("Pacific/Auckland")
    response = availability(client, world, tz="Pacific/Auckland", days="3")
    days = response.get_json()["data"]["days"]
    assert days == engine_days(db_session, world.schedule, world.service, date(2031, 3, 1), 3, zone)
    # London's Monday 09:00 is Auckland's Monday 22:00.
    assert days[2]["date"] == "2031-03-03"
    assert days[2]["slots"][0]["local_time"] == "22:00"


def test_without_tz_and_from_the_clients_zone_and_today_apply(client, world):
    response = client.get(
        f"{world.base}/availability", query_string={"service": str(world.service.id)}
    )
    data = response.get_json()["data"]
    assert data["timezone"] == "Europe/London"
    assert data["days"][0]["date"] == NOW.date().isoformat()
    assert len(data["days"]) == 7


def test_any_schedule_offers_each_start_once_on_the_first_with_room(
    client, db_session, world, make_schedule, make_appointment
):
    world.schedule.name = "A"
    db_session.commit()
    second = make_schedule(client=world.client, services=[world.service], name="B")
    make_appointment(schedule=world.schedule, service=world.service, start_at=MONDAY_10)

    monday = availability(client, world, schedule="any").get_json()["data"]["days"][2]["slots"]

    starts = [slot["start"] for slot in monday]
    assert len(starts) == len(set(starts))
    at_ten = next(slot for slot in monday if slot["start"] == "2031-03-03T10:00:00Z")
    assert at_ten["schedule"] == str(second.id)


def test_a_booking_removes_its_slot_from_the_cached_answer(client, world):
    before = availability(client, world).get_json()["data"]["days"][2]["slots"]
    assert "2031-03-03T10:00:00Z" in [slot["start"] for slot in before]
    token = api_sign_in(client, world.customer)

    booked = post_json(
        client,
        f"{world.base}/appointments",
        {"service": str(world.service.id), "start": "2031-03-03T10:00:00Z"},
        token,
    )

    assert booked.status_code == 201
    after = availability(client, world).get_json()["data"]["days"][2]["slots"]
    assert "2031-03-03T10:00:00Z" not in [slot["start"] for slot in after]
    # 09:45 and 10:15 would overlap the new 10:00-10:30 appointment too.
    assert len(after) == len(before) - 3


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"service": "not-a-uuid"}, "service"),
        ({"schedule": "first"}, "schedule"),
        ({"from": "2031-02-30"}, "from"),
        ({"from": "31/03/2031"}, "from"),
        ({"days": "0"}, "days"),
        ({"days": "63"}, "days"),
        ({"days": "many"}, "days"),
        ({"tz": "Mars/Olympus_Mons"}, "tz"),
        ({"tz": "../../etc/passwd"}, "tz"),
    ],
)
def test_malformed_parameters_are_a_400_naming_the_field(client, world, params, field):
    response = availability(client, world, **params)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid_input"
    assert set(error["fields"]) == {field}
    assert error["message"].startswith(f"{field}: ")


def test_a_missing_service_parameter_is_a_400(client, world):
    response = client.get(f"{world.base}/availability")
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"service"}


def test_unknown_service_or_schedule_is_a_404(client, world, make_client, make_service):
    foreign = make_service(client=make_client())
    for params in (
        {"service": "00000000-0000-4000-8000-000000000000"},
        {"service": str(foreign.id)},
        {"schedule": "00000000-0000-4000-8000-000000000000"},
    ):
        response = availability(client, world, **params)
        assert response.status_code == 404, params
        assert error_of(response)["code"] == "not_found"


def test_a_retired_service_is_a_404(client, db_session, world):
    world.service.is_active = False
    db_session.commit()
    assert availability(client, world).status_code == 404


def test_a_schedule_not_offering_the_service_is_a_422(client, world, make_schedule):
    other = make_schedule(client=world.client)
    response = availability(client, world, schedule=str(other.id))
    assert response.status_code == 422
    assert error_of(response)["code"] == "service_not_offered"


def test_a_range_beyond_the_horizon_has_empty_days(client, world):
    response = availability(client, world, **{"from": "2032-01-05", "days": "2"})
    days = response.get_json()["data"]["days"]
    assert days == [{"date": "2032-01-05", "slots": []}, {"date": "2032-01-06", "slots": []}]


def test_unknown_api_paths_and_wrong_methods_answer_in_json(client, world):
    response = client.get("/api/v1/nothing/here")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    response = client.delete(f"{world.base}/availability")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
