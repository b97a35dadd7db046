"""Feeds rendering the same missing events at once on PostgreSQL: every one succeeds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.db import get_db
from app.models import RenderedCalendarEvent, Role
from app.services import feed_cache, rendered_events
from app.services.calendar_feeds import create_feed
from app.services.feed_serving import serve_feed
from scheduling.ical import Privacy, render_event
from tests.concurrency import run_at_once

pytestmark = pytest.mark.postgres
NOW = datetime(2031, 1, 5, 9, 0, tzinfo=UTC)
WRITERS = 4
APPOINTMENTS = 60


def test_concurrent_renders_of_the_same_misses_all_succeed_with_the_same_bytes(
    app,
    db_session,
    monkeypatch,
    make_client,
    make_user,
    make_service,
    make_schedule,
    make_appointment,
) -> None:
    client = make_client(feed_privacy=Privacy.FULL_DETAILS)
    service = make_service(client=client, name="Counselling")
    schedule = make_schedule(client=client, services=[service])
    customers = [make_user(client=client, display_name=f"Person {n}") for n in range(5)]
    for n in range(APPOINTMENTS):
        make_appointment(
            schedule=schedule,
            service=service,
            customer=customers[n % 5],
            start_at=datetime(2031, 3, 3, 9, 0, tzinfo=UTC) + timedelta(hours=n),
        )
    staff = make_user(client=client, role=Role.STAFF)
    with app.app_context():
        token = create_feed(db_session, staff, name="Desk", schedule_id=None, now=NOW).token
    database = get_db(app)
    bodies: list[bytes] = []
    writes: list[int] = []
    store = rendered_events.keep

    def counted_keep(session, client_id, events) -> None:
        store(session, client_id, events)
        writes.append(len(events))

    # The real upsert, counted: the test must see writers overlap, not take turns.
    monkeypatch.setattr(rendered_events, "keep", counted_keep)

    def render(_: int) -> None:
        with app.app_context(), database.session() as session:
            answer = serve_feed(session, token, fresh=lambda _etag: False, now=NOW)
            bodies.append(answer.body)

    for _ in range(3):  # empty store each time: every writer upserts every event
        db_session.execute(RenderedCalendarEvent.__table__.delete())
        db_session.commit()
        render_event.cache_clear()
        feed_cache.forget()
        run_at_once(WRITERS, render)

    assert len(bodies) == 3 * WRITERS and len(set(bodies)) == 1
    assert writes.count(APPOINTMENTS) > 3, "no two writers stored the same events"
    stored = db_session.scalar(select(func.count()).select_from(RenderedCalendarEvent))
    assert stored == APPOINTMENTS
