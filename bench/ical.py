"""Benchmark: a calendar feed of 10,000 appointments through the Flask test client.

One client, one schedule, 200 customers, 10,000 confirmed appointments over the
coming year on SQLite, and one staff feed of all schedules. Timed, each as the
median of repeated runs:
- cold: nothing rendered yet (every VEVENT serialized by the library);
- regenerated: the feed changed (its cached body is stale) but its events were
  rendered before, which is what a poll after one booking costs;
- cached: a poll without an ETag whose feed has not changed;
- 304: a poll with the current ETag.
Prints the figures, then one JSON line with `feed_10000_ms`, `not_modified_ms`, `bytes`.
Run: .venv/bin/python bench/ical.py  (or `make bench`)
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time as clock
from datetime import UTC, datetime, timedelta
from pathlib import Path

# The project root replaces this folder on the path: bench/http.py would shadow the
# standard library's `http`, which Flask imports.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from sqlalchemy import insert

from app import create_app
from app.config import generate_secrets, load_config
from app.db import Base, get_db
from app.models import Appointment, AppointmentStatus, Client, Role, Schedule, Service, User
from app.services import feed_cache
from app.services.calendar_feeds import create_feed
from scheduling.ical import render_event

APPOINTMENTS = 10_000
CUSTOMERS = 200
RUNS = 7
POLLS = 200


def build(workdir: Path):
    env = {
        **generate_secrets(),
        "SAFESLOT_ENV": "development",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "SAFESLOT_BCRYPT_COST": "4",
    }
    config = load_config(env, instance_path=workdir).with_overrides(ratelimit_enabled=False)
    app = create_app(config)
    Base.metadata.create_all(get_db(app).engine)
    return app


def load(app) -> str:
    """The data, and the path of the staff feed."""
    session = get_db(app).session()
    try:
        client = Client(slug="bench", name="Bench Clinic", timezone="Europe/London")
        session.add(client)
        session.flush()
        service = Service(client_id=client.id, name="Consultation", duration_minutes=30)
        schedule = Schedule(
            client_id=client.id, name="Clinic", slug="clinic", timezone="Europe/London"
        )
        people = [
            User(
                client_id=client.id,
                role=Role.CUSTOMER if n else Role.STAFF,
                email=f"p{n}@bench.example",
                email_lookup=f"{n:064d}",
                display_name=f"Person {n}",
                # Matches no password: nobody signs in here.
                password_hash="!",  # noqa: S106
            )
            for n in range(CUSTOMERS + 1)
        ]
        session.add_all([service, schedule, *people])
        session.commit()
        rng = random.Random(2026)
        first = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        rows = []
        for _ in range(APPOINTMENTS):
            start = first + timedelta(minutes=15 * rng.randrange(4 * 24 * 365))
            rows.append(
                {
                    "client_id": client.id,
                    "schedule_id": schedule.id,
                    "service_id": service.id,
                    "customer_id": rng.choice(people[1:]).id,
                    "start_at": start,
                    "end_at": start + timedelta(minutes=30),
                    "status": AppointmentStatus.CONFIRMED,
                }
            )
        session.execute(insert(Appointment), rows)
        session.commit()
        made = create_feed(session, people[0], name="Bench", schedule_id=None, now=first)
        return f"/feeds/{made.token}.ics"
    finally:
        session.close()


def timed(fn) -> float:
    started = clock.perf_counter()
    fn()
    return (clock.perf_counter() - started) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = build(Path(tmp))
        path = load(app)
        client = app.test_client()

        def fetch(**headers):
            response = client.get(path, headers=headers)
            assert response.status_code in (200, 304), response.status_code  # noqa: S101
            return response

        def cold():
            render_event.cache_clear()
            feed_cache.forget()
            fetch()

        def regenerated():
            feed_cache.forget()
            fetch()

        cold_ms = statistics.median(timed(cold) for _ in range(3))
        regenerated_ms = statistics.median(timed(regenerated) for _ in range(RUNS))
        body = fetch()
        cached_ms = statistics.median(timed(fetch) for _ in range(RUNS))
        etag = body.headers["ETag"]
        not_modified_ms = statistics.median(
            timed(lambda: fetch(**{"If-None-Match": etag})) for _ in range(POLLS)
        )
        get_db(app).engine.dispose()

    size = len(body.data)
    print(f"appointments            {APPOINTMENTS}")
    print(f"feed bytes              {size}")
    print(f"cold (nothing cached)   {cold_ms:8.1f} ms")
    print(f"regenerated (events hot){regenerated_ms:8.1f} ms")
    print(f"unchanged, no ETag      {cached_ms:8.1f} ms")
    print(f"304 Not Modified        {not_modified_ms:8.2f} ms")
    print(
        json.dumps(
            {
                "feed_10000_ms": round(regenerated_ms, 1),
                "feed_10000_cold_ms": round(cold_ms, 1),
                "feed_10000_unchanged_ms": round(cached_ms, 1),
                "not_modified_ms": round(not_modified_ms, 2),
                "bytes": size,
            }
        )
    )


if __name__ == "__main__":
    main()
