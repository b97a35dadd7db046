"""Benchmark: the JSON API over HTTP, under gunicorn on PostgreSQL, measured with wrk.

1. Drops and recreates the PostgreSQL database `safeslot_bench` on 127.0.0.1:5432 and
   migrates it with `safeslot migrate`.
2. Loads one client (Europe/London), a 30-minute service, and two schedules offering it:
   - "Clinic": Mon-Fri 09:00-12:30 and 13:30-17:00, 15-minute step, capacity 6, with
     1,000 appointments (bulk insert) at random grid starts over the coming 30 days.
     (Capacity 6 because a one-to-one schedule holds at most ~600 half-hour
     appointments in a month of these hours; this also exercises the engine's
     seat-counting path.)
   - "Around the clock", for booking: every day 00:00-23:59 UTC, 5-minute step,
     730-day horizon, no minimum notice, capacity 1.
   Creates CUSTOMERS customers and signs each in through the real sign-in form, keeping
   the session cookie and the CSRF token.
3. Starts gunicorn (`wsgi:app`) on a free port of 127.0.0.1 with production settings
   (SAFESLOT_ENV=production, generated secrets, the local Redis; rate limits off with
   SAFESLOT_RATE_LIMITS=off, as they exist to stop exactly this kind of load), trying
   each entry of SERVER_SETTINGS briefly, in turns over two rounds, and keeping the one
   whose slower availability run was fastest.
4. Runs `wrk -t2 -c16 -d10s --latency` REPEATS times each (after a warm-up) against
   (c) /healthz, the ceiling; (a) 30 days of availability on "Clinic"; (b) booking,
   through bench/wrk_booking.lua: every request books its own half-hour slot on
   "Around the clock" (threads walk disjoint sequences; later runs start after the
   slots earlier runs used), so any non-2xx answer is an error.
5. Prints a table of medians and, as the last line, one JSON object with every figure.

gunicorn is stopped and the database dropped at the end, also on error. Everything
talks to 127.0.0.1 only, and every wait and loop is bounded.

Run: .venv/bin/python bench/http.py  (or `make bench`, which installs wrk if missing).
`--server sync,4,1` measures one server setting (class, workers, threads) without trials.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is called http.py, and a script's directory comes first on sys.path: drop
# it, or `import http.client` (here and in every library) would import this file.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import http.client
import json
import os
import random
import re
import shutil
import socket
import subprocess
import tempfile
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as wall_time
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text

from app import create_app
from app.config import generate_secrets, load_config
from app.db import get_db
from app.models import (
    Appointment,
    AppointmentStatus,
    Client,
    Role,
    Schedule,
    Service,
    WeeklyHours,
)
from app.services.accounts import create_user
from bench._loadgen import (
    HOST,
    USER_AGENT,
    WRK_CONNECTIONS,
    WRK_THREADS,
    Gunicorn,
    WrkResult,
    free_port,
    get,
    median_of,
    wrk,
)

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BENCH_DB = "safeslot_bench"
BENCH_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{BENCH_DB}"
#: Redis database for the bench's rate-limit storage and broker setting (tests use /0).
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")

SLUG = "bench"
CUSTOMERS = 16
#: Made-up password of made-up customers in a throwaway database.
PASSWORD = "bench password that is long enough"  # noqa: S105
APPOINTMENTS = 1_000
DAYS = 30
LONDON = ZoneInfo("Europe/London")
#: The around-the-clock schedule: 00:00-23:59 (a weekly interval cannot end at 24:00).
BOOKING_STEP_SECONDS = 30 * 60  # one 30-minute service per slot, back to back
BOOKING_SLOTS_PER_DAY = 47  # 00:00 ... 23:00; 23:30 would run past 23:59
BOOKING_HORIZON_DAYS = 730

RUN_SECONDS, WARM_SECONDS, TRIAL_SECONDS, TRIAL_ROUNDS = 10, 2, 3, 2
REPEATS = 3
#: (worker class, workers, threads per worker) tried; the best availability rate is kept.
SERVER_SETTINGS = [("sync", 2, 1), ("sync", 4, 1), ("gthread", 2, 4), ("gthread", 4, 2)]


@dataclass(frozen=True)
class World:
    service_id: str
    clinic_id: str
    around_id: str
    customer_emails: tuple[str, ...]


# -- database ------------------------------------------------------------------------


def recreate_database() -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{BENCH_DB}"'))
    finally:
        admin.dispose()


def drop_database() -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)'))
    finally:
        admin.dispose()


def migrate(env: dict[str, str]) -> None:
    subprocess.run(  # noqa: S603 (fixed argv)
        [sys.executable, "-m", "app.cli", "migrate"], cwd=ROOT, env=env, check=True, timeout=120
    )


def load_data(env: dict[str, str], now: datetime) -> World:
    """The client, service, schedules, customers and 1,000 appointments."""
    config = load_config(env)
    app = create_app(config)
    database = get_db(app)
    session = database.session()
    try:
        client = Client(slug=SLUG, name="Bench Clinic", timezone="Europe/London")
        session.add(client)
        session.flush()
        service = Service(client_id=client.id, name="Consultation", duration_minutes=30)
        clinic = Schedule(
            client_id=client.id,
            name="Clinic",
            slug="clinic",
            timezone="Europe/London",
            slot_step_minutes=15,
            capacity=6,
            horizon_days=60,
            min_notice_minutes=120,
            weekly_hours=[
                WeeklyHours(weekday=day, start_time=start, end_time=end)
                for day in range(5)
                for start, end in (
                    (wall_time(9), wall_time(12, 30)),
                    (wall_time(13, 30), wall_time(17)),
                )
            ],
            services=[service],
        )
        around = Schedule(
            client_id=client.id,
            name="Around the clock",
            slug="around-the-clock",
            timezone="UTC",
            slot_step_minutes=5,
            horizon_days=BOOKING_HORIZON_DAYS,
            min_notice_minutes=0,
            weekly_hours=[
                WeeklyHours(weekday=day, start_time=wall_time(0), end_time=wall_time(23, 59))
                for day in range(7)
            ],
            services=[service],
        )
        session.add_all([service, clinic, around])
        session.commit()
        emails = tuple(f"customer{n}@bench.example" for n in range(CUSTOMERS))
        customer_ids = []
        for email in emails:
            user = create_user(
                session,
                config,
                client_slug=SLUG,
                role=Role.CUSTOMER,
                email=email,
                display_name=email.split("@")[0],
                password=PASSWORD,
            )
            customer_ids.append(user.id)
        session.execute(
            insert(Appointment),
            appointment_rows(client.id, clinic.id, service.id, customer_ids, now),
        )
        session.commit()
        return World(str(service.id), str(clinic.id), str(around.id), emails)
    finally:
        session.close()
        database.engine.dispose()


def appointment_rows(client_id, schedule_id, service_id, customer_ids, now) -> list[dict]:
    rng = random.Random(2026)
    first = now.astimezone(LONDON).date() + timedelta(days=1)
    weekdays = [d for d in (first + timedelta(days=n) for n in range(DAYS)) if d.weekday() < 5]
    # 15-minute grid starts whose 30 minutes fit before lunch or before closing.
    starts = [wall_time(9 + q // 4, 15 * (q % 4)) for q in range(13)]
    starts += [wall_time(13 + (q + 2) // 4, 15 * ((q + 2) % 4)) for q in range(13)]
    rows = []
    for _ in range(APPOINTMENTS):
        local = datetime.combine(rng.choice(weekdays), rng.choice(starts), tzinfo=LONDON)
        start = local.astimezone(UTC)
        rows.append(
            {
                "client_id": client_id,
                "schedule_id": schedule_id,
                "service_id": service_id,
                "customer_id": rng.choice(customer_ids),
                "start_at": start,
                "end_at": start + timedelta(minutes=30),
                "status": AppointmentStatus.CONFIRMED,
            }
        )
    return rows


# -- the server ----------------------------------------------------------------------


def server_env(port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SAFESLOT_", "DATABASE_URL", "REDIS_URL", "CELERY_", "RATELIMIT"))
    }
    env.update(generate_secrets())
    env.update(
        SAFESLOT_ENV="production",
        DATABASE_URL=BENCH_URL,
        REDIS_URL=REDIS_URL,
        SAFESLOT_BASE_URL=f"http://{HOST}:{port}",
        # 16 customers signing in, then thousands of bookings, all from 127.0.0.1 within
        # minutes: the production limits would (rightly) refuse most of them.
        SAFESLOT_RATE_LIMITS="off",
    )
    return env


# -- sign-in -------------------------------------------------------------------------


def session_cookie(headers: dict[str, str]) -> str:
    match = re.search(r"(?:^|,\s*)(session=[^;]+)", headers.get("Set-Cookie", ""))
    if not match:
        raise RuntimeError("no session cookie in the answer")
    return match.group(1)


def sign_in(port: int, email: str) -> tuple[str, str]:
    """Sign in through the form, as a browser would: (Cookie header, CSRF token)."""
    path = f"/c/{SLUG}/signin"
    status, headers, page = get(port, path)
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
    if status != 200 or token is None:
        raise RuntimeError(f"sign-in page answered {status} without a CSRF token")
    csrf = token.group(1).decode()
    cookie = session_cookie(headers)
    form = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": csrf})
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request(
            "POST",
            f"{path}?next=/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                "User-Agent": USER_AGENT,
            },
        )
        response = connection.getresponse()
        response.read()
        if response.status != 302:
            raise RuntimeError(f"sign-in of {email} answered {response.status}")
        cookie = session_cookie(dict(response.getheaders()))
    finally:
        connection.close()
    status, _, body = get(port, f"/api/v1/clients/{SLUG}/appointments", {"Cookie": cookie})
    if status != 200:
        raise RuntimeError(f"signed-in API call answered {status}: {body[:200]!r}")
    return cookie, csrf


# -- wrk -----------------------------------------------------------------------------


class Booking:
    """wrk arguments for the booking run; each run starts after the slots used so far."""

    def __init__(self, world: World, credentials: Path, now: datetime) -> None:
        self.world, self.credentials = world, credentials
        first_day = (now + timedelta(days=2)).date()
        self.first_epoch = int(datetime.combine(first_day, wall_time(0), tzinfo=UTC).timestamp())
        self.next_index = 0
        self.capacity = BOOKING_SLOTS_PER_DAY * (BOOKING_HORIZON_DAYS - 3)

    def script(self) -> list[str]:
        return [
            str(ROOT / "bench" / "wrk_booking.lua"),
            f"/api/v1/clients/{SLUG}/appointments",
            self.world.service_id,
            self.world.around_id,
            str(self.first_epoch),
            str(BOOKING_SLOTS_PER_DAY),
            str(BOOKING_STEP_SECONDS),
            str(self.next_index),
            str(self.credentials),
            USER_AGENT,
            str(WRK_THREADS),
        ]

    def run(self, port: int, seconds: int) -> WrkResult:
        if self.next_index >= self.capacity:
            raise RuntimeError("the booking schedule has no fresh slots left")
        result = wrk(port, f"/api/v1/clients/{SLUG}/appointments", seconds, self.script())
        sent = int(re.search(r"BOOKING_SENT_PER_THREAD (\d+)", result.extra).group(1))
        self.next_index += (sent + 1) * WRK_THREADS
        if self.next_index > self.capacity:
            print(f"warning: walked past the booking horizon ({self.next_index} slots)")
        return result


# -- the run -------------------------------------------------------------------------


def preflight() -> str | None:
    """Why the benchmark cannot run here, or None."""
    if shutil.which("wrk") is None:
        return "wrk is not installed (apt-get install -y wrk; `make bench` does it)"
    for port, name in ((5432, "PostgreSQL"), (6379, "Redis")):
        try:
            socket.create_connection((HOST, port), timeout=3).close()
        except OSError:
            return f"{name} is not reachable at {HOST}:{port}"
    return None


def measure(server: Gunicorn, availability_path: str, booking: Booking) -> dict[str, WrkResult]:
    port = server.port
    wrk(port, "/healthz", WARM_SECONDS)
    ceiling = median_of([wrk(port, "/healthz", RUN_SECONDS) for _ in range(REPEATS)])
    wrk(port, availability_path, WARM_SECONDS)
    availability = median_of([wrk(port, availability_path, RUN_SECONDS) for _ in range(REPEATS)])
    booking.run(port, WARM_SECONDS)
    booked = median_of([booking.run(port, RUN_SECONDS) for _ in range(REPEATS)])
    return {"ceiling": ceiling, "availability": availability, "booking": booked}


def choose_setting(
    env: dict[str, str], port: int, path: str, log: Path
) -> tuple[tuple[str, int, int], list[tuple[str, float]]]:
    """Each setting for short availability runs; the one whose slower run was fastest.

    The settings take turns over TRIAL_ROUNDS rounds, so a few noisy seconds on this
    shared machine cannot crown a setting that is slower in the long run.
    """
    rates: dict[tuple[str, int, int], list[float]] = {setting: [] for setting in SERVER_SETTINGS}
    labels = {}
    for _ in range(TRIAL_ROUNDS):
        for setting in SERVER_SETTINGS:
            server = Gunicorn(
                app="wsgi:app", chdir=ROOT, port=port, env=env, log=log, setting=setting
            )
            try:
                server.start()
                wrk(port, path, 1)
                rates[setting].append(wrk(port, path, TRIAL_SECONDS).rps)
                labels[setting] = server.label
            finally:
                server.stop()
    best = max(SERVER_SETTINGS, key=lambda setting: min(rates[setting]))
    return best, [(labels[setting], min(rates[setting])) for setting in SERVER_SETTINGS]


def report(
    results: dict[str, WrkResult], server: Gunicorn, trials: list[tuple[str, float]]
) -> None:
    ceiling, availability, booking = (
        results["ceiling"],
        results["availability"],
        results["booking"],
    )
    print(f"\ngunicorn: {server.label}; wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{RUN_SECONDS}s")
    print("settings tried (availability req/s, slower of two short runs):")
    for label, rps in trials:
        print(f"  {label:<32} {rps:>8.0f}")
    print(f"medians of {REPEATS} runs:")
    print(f"{'endpoint':<26} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'ratio':>6}")
    for name, result in (
        ("(c) /healthz (ceiling)", ceiling),
        ("(a) availability 30 days", availability),
        ("(b) booking", booking),
    ):
        ratio = result.rps / ceiling.rps
        print(
            f"{name:<26} {result.rps:>9.0f} {result.p50_ms:>8.2f} {result.p99_ms:>8.2f}"
            f" {result.non_2xx:>8} {ratio:>6.2f}"
        )
    if booking.extra:
        for line in sorted(set(booking.extra.splitlines())):
            if line.startswith("BOOKING_REFUSAL_SAMPLE"):
                print(line)
    figures = {
        "ceiling_rps": round(ceiling.rps, 1),
        "availability_rps": round(availability.rps, 1),
        "availability_p50_ms": round(availability.p50_ms, 2),
        "availability_p99_ms": round(availability.p99_ms, 2),
        "booking_rps": round(booking.rps, 1),
        "booking_p50_ms": round(booking.p50_ms, 2),
        "booking_p99_ms": round(booking.p99_ms, 2),
        "booking_errors": booking.non_2xx + booking.socket_errors,
        "availability_ratio": round(availability.rps / ceiling.rps, 3),
        "booking_ratio": round(booking.rps / ceiling.rps, 3),
        "workers": server.setting[1],
        "worker_class": server.setting[0],
        "threads": server.setting[2],
    }
    print(json.dumps(figures))


def server_setting(argv: list[str]) -> tuple[str, int, int] | None:
    """`--server sync,4,1` (class, workers, threads) runs one setting without trials,
    so that two versions of the code can be compared on the same server shape."""
    if len(argv) == 2 and argv[0] == "--server":
        kind, workers, threads = argv[1].split(",")
        return kind, int(workers), int(threads)
    if argv:
        raise SystemExit("usage: bench/http.py [--server CLASS,WORKERS,THREADS]")
    return None


def main() -> int:
    fixed = server_setting(sys.argv[1:])
    problem = preflight()
    if problem:
        print(f"bench/http.py skipped: {problem}")
        return 0
    port = free_port()
    env = server_env(port)
    now = datetime.now(UTC)
    server: Gunicorn | None = None
    workdir = Path(tempfile.mkdtemp(prefix="safeslot-bench-"))
    log = workdir / "gunicorn.log"
    try:
        recreate_database()
        migrate(env)
        world = load_data(env, now)
        today = now.astimezone(LONDON).date()
        availability_path = (
            f"/api/v1/clients/{SLUG}/availability?service={world.service_id}"
            f"&schedule={world.clinic_id}&from={today:%Y-%m-%d}&days={DAYS}&tz=Europe/London"
        )
        if fixed is None:
            setting, trials = choose_setting(env, port, availability_path, log)
        else:
            setting, trials = fixed, []
        server = Gunicorn(app="wsgi:app", chdir=ROOT, port=port, env=env, log=log, setting=setting)
        server.start()
        status, _, body = get(port, availability_path)
        slots = sum(len(day["slots"]) for day in json.loads(body)["data"]["days"])
        print(f"availability answers {status} with {slots} slots over {DAYS} days")
        with ThreadPoolExecutor(max_workers=4) as pool:
            credentials = list(pool.map(lambda email: sign_in(port, email), world.customer_emails))
        credentials_file = workdir / "customers.tsv"
        credentials_file.write_text("".join(f"{c}\t{t}\n" for c, t in credentials))
        results = measure(server, availability_path, Booking(world, credentials_file, now))
        report(results, server, trials)
        return 0
    except Exception:
        if log.exists():
            print("gunicorn log (last lines):\n" + "\n".join(log.read_text().splitlines()[-40:]))
        raise
    finally:
        if server is not None:
            server.stop()
        drop_database()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
