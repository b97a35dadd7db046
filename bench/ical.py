"""Benchmark: a calendar feed of 10,000 appointments through the Flask test client.

One client, one schedule, 200 customers, 10,000 confirmed appointments over the
coming year on SQLite, and one staff feed of all schedules. Timed, each as the
median of repeated runs:
- first ever render: nothing rendered anywhere (the stored events emptied too), so
  every VEVENT is serialized by the library and then stored;
- fresh process: what a restarted worker pays. This process's caches are emptied
  (the rendered-event cache of scheduling.ical, the feed cache, the unwrapped data
  keys); the events stored in the database by an earlier render are still there.
  This is `feed_10000_ms`. (SQLAlchemy's compiled statements stay cached: a real
  restart adds their compilation, a few ms, to its first request only);
- fresh process, full details: the same at the level that names customers, whose
  stored events are sealed (one decryption each);
- regenerated: the feed changed (its cached body is stale) in a process that
  rendered its events before, which is what a poll after one booking costs;
- unchanged: a poll without an ETag whose feed has not changed;
- 304: a poll with the current ETag;
- baseline: `GET /healthz` through the same test client, so the figures can be
  read as multiples of a trivial request on the same machine at the same moment.
Prints the figures, then one JSON line with `feed_10000_ms` (fresh process),
`first_render_ms`, `not_modified_ms`, `bytes` and the others.
Run: .venv/bin/python bench/ical.py  (or `make bench`)
"""

from __future__ import annotations

import json
import os
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

from sqlalchemy import delete, insert, select, update

from app import create_app
from app.config import generate_secrets, load_config
from app.crypto.keyring import keyring_for
from app.db import Base, get_db
from app.models import (
    Appointment,
    AppointmentStatus,
    Client,
    DataKey,
    RenderedCalendarEvent,
    Role,
    Schedule,
    Service,
    User,
)
from app.services import feed_cache
from app.services.calendar_feeds import create_feed
from scheduling.ical import Privacy, render_event

APPOINTMENTS = 10_000
CUSTOMERS = 200
RUNS = 7
FIRST_RUNS = 3
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


def median_ms(fn, runs: int, setup=None) -> float:
    """Median of `runs` timings of `fn`, each after an untimed `setup`."""
    times = []
    for _ in range(runs):
        if setup is not None:
            setup()
        times.append(timed(fn))
    return statistics.median(times)


def new_process(app) -> None:
    """Empty every per-process cache a restarted worker starts without."""
    render_event.cache_clear()
    feed_cache.forget()
    engine = get_db(app).engine
    with engine.connect() as connection:
        keyring_for(engine).forget(*connection.scalars(select(DataKey.id)))


def write(app, stmt) -> None:
    with get_db(app).engine.begin() as connection:
        connection.execute(stmt)


def main() -> None:
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        app = build(Path(tmp))
        path = load(app)
        client = app.test_client()

        def fetch(**headers):
            response = client.get(path, headers=headers)
            assert response.status_code in (200, 304), response.status_code  # noqa: S101
            return response

        def nothing_stored():
            write(app, delete(RenderedCalendarEvent))
            new_process(app)

        baseline_ms = median_ms(lambda: client.get("/healthz"), POLLS)
        first_ms = median_ms(fetch, FIRST_RUNS, setup=nothing_stored)
        fresh_ms = median_ms(fetch, RUNS, setup=lambda: new_process(app))
        regenerated_ms = median_ms(fetch, RUNS, setup=feed_cache.forget)
        body = fetch()
        cached_ms = median_ms(fetch, RUNS)
        etag = body.headers["ETag"]
        not_modified_ms = median_ms(lambda: fetch(**{"If-None-Match": etag}), POLLS)
        write(app, update(Client).values(feed_privacy=Privacy.FULL_DETAILS))
        fetch()  # stores the events that name customers, sealed
        named_ms = median_ms(fetch, RUNS, setup=lambda: new_process(app))
        get_db(app).engine.dispose()

    size = len(body.data)

    def line(label: str, ms: float) -> None:
        print(f"{label:<34}{ms:9.2f} ms  {ms / baseline_ms:8.0f} x baseline")

    # Other work on the machine slows long renders far more than the short baseline.
    load_after = os.getloadavg()[0]
    print(f"load average (1 min)              {load_before:.2f} before, {load_after:.2f} after")
    print(f"appointments                      {APPOINTMENTS}")
    print(f"feed bytes                        {size}")
    line("baseline: GET /healthz", baseline_ms)
    line("first ever render (nothing stored)", first_ms)
    line("fresh process (feed_10000_ms)", fresh_ms)
    line("fresh process, full details", named_ms)
    line("regenerated (events hot)", regenerated_ms)
    line("unchanged, no ETag", cached_ms)
    line("304 Not Modified", not_modified_ms)
    print(
        json.dumps(
            {
                "feed_10000_ms": round(fresh_ms, 1),
                "first_render_ms": round(first_ms, 1),
                "feed_10000_full_details_ms": round(named_ms, 1),
                "feed_10000_regenerated_ms": round(regenerated_ms, 1),
                "feed_10000_unchanged_ms": round(cached_ms, 1),
                "not_modified_ms": round(not_modified_ms, 2),
                "baseline_ms": round(baseline_ms, 3),
                "feed_10000_vs_baseline": round(fresh_ms / baseline_ms),
                "bytes": size,
            }
        )
    )


if __name__ == "__main__":
    main()
