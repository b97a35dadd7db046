"""A signed-in customer's own client comes with the user: no second read of it by slug.

The shortcut must answer exactly as the query by slug would: another client's URL,
a closed client and a transaction that has moved on are all still read from the table.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, select, update

from app.db import get_db
from app.models import Appointment, Client
from tests.api.helpers import api_sign_in, error_of, post_json

START = "2031-03-03T10:00:00Z"


@contextmanager
def statements(app) -> Iterator[list[str]]:
    """Every SQL statement the app sends while the block runs."""
    seen: list[str] = []
    engine = get_db(app).engine
    note = lambda conn, cursor, statement, *args: seen.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def client_reads_by_slug(seen: list[str]) -> list[str]:
    return [s for s in seen if "FROM clients" in s and "clients.slug" in s]


def booking(world) -> dict[str, str]:
    return {"service": str(world.service.id), "start": START}


def booked(db_session) -> list[Appointment]:
    db_session.rollback()  # a fresh snapshot: the app wrote through its own session
    return list(db_session.scalars(select(Appointment)))


def test_booking_at_ones_own_client_does_not_read_the_client_again(app, client, world):
    token = api_sign_in(client, world.customer)

    with statements(app) as seen:
        response = post_json(client, f"{world.base}/appointments", booking(world), token)

    assert response.status_code == 201, response.get_data(as_text=True)
    assert any("JOIN clients" in s for s in seen)  # read along with the user
    assert client_reads_by_slug(seen) == []


def test_another_clients_url_is_still_read_and_refused_as_before(
    app, client, db_session, world, make_client
):
    elsewhere = make_client()
    token = api_sign_in(client, world.customer)

    with statements(app) as seen:
        response = post_json(
            client, f"/api/v1/clients/{elsewhere.slug}/appointments", booking(world), token
        )
        unknown = client.get("/api/v1/clients/no-such-client/appointments")

    assert response.status_code == 401
    assert error_of(response)["code"] == "sign_in_required"
    assert unknown.status_code == 404
    assert len(client_reads_by_slug(seen)) == 2
    assert booked(db_session) == []


def test_ones_own_client_closed_after_signing_in_answers_404(app, client, db_session, world):
    token = api_sign_in(client, world.customer)
    db_session.execute(
        update(Client).where(Client.id == world.client.id).values(closed_at=datetime.now(UTC))
    )
    db_session.commit()

    listed = client.get(f"{world.base}/appointments")
    response = post_json(client, f"{world.base}/appointments", booking(world), token)

    assert listed.status_code == 404
    assert response.status_code == 404
    assert booked(db_session) == []


def test_after_the_session_check_commits_the_client_is_read_again(app, client, world, monkeypatch):
    clock = [datetime.now(UTC)]
    monkeypatch.setattr("app.web.session_guard.utcnow", lambda: clock[0])
    token = api_sign_in(client, world.customer)
    # Past the touch interval the check records the activity and commits: a new
    # transaction, in which the client read with the user is no longer trusted.
    clock[0] += timedelta(minutes=2)

    with statements(app) as seen:
        response = post_json(client, f"{world.base}/appointments", booking(world), token)

    assert response.status_code == 201, response.get_data(as_text=True)
    assert any(s.startswith("UPDATE user_sessions") for s in seen)
    assert len(client_reads_by_slug(seen)) == 1


def test_listing_at_ones_own_client_does_not_read_the_client_again(app, client, world):
    api_sign_in(client, world.customer)

    with statements(app) as seen:
        response = client.get(f"{world.base}/appointments")

    assert response.status_code == 200
    assert client_reads_by_slug(seen) == []
