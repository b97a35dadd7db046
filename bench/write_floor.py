"""Benchmark: the floor under a write transaction on this stack, for judging booking.

bench/http.py measures booking against /healthz, the ceiling of the same gunicorn setup.
This script answers the question that ratio raises: how fast can *any* transaction go
here? It serves a minimal Flask app (nothing from SafeSlot: no ORM session, no
templates, no auth, no CSRF) whose `POST /write?k=N` runs one transaction of exactly k
trivial statements with SQLAlchemy Core on psycopg 3:

- `UPDATE counter SET v = v + 1 WHERE id = 1`: one row lock every request queues for,
  as every booking queues for its schedule's lock;
- k - 2 `SELECT v FROM counter WHERE id = :id`: the round trips a use case spends on
  loading and checking;
- one `INSERT INTO log`: the row the transaction exists to write.

Each of those statements is a round trip to PostgreSQL made while the lock is held, so
the rate falls as k grows. The figures are a floor on cost (a ceiling on speed): the best
a transaction of k statements can do on this stack and this machine. A booking needs
more statements than that for its guarantees, so its req/s and its ratio to /healthz
should be judged against the row for a similar k, not against /healthz alone.

1. Drops and recreates the PostgreSQL database `safeslot_floor` on 127.0.0.1:5432 with
   the tables `counter` (one row) and `log`.
2. Writes the app, and a wrk Lua script that sends POST, to a temporary directory.
3. Starts gunicorn there (2 sync workers, the shape bench/http.py usually keeps) on a
   free port of 127.0.0.1.
4. Runs `wrk -t2 -c16 -d10s --latency` REPEATS times each (after a warm-up) against
   /healthz, then POST /write for every k in KS.
5. Prints a table of medians and, as the last line, one JSON object with every figure.
   Exits 1 when any answer was not 2xx, as such a run measured something else.

gunicorn is stopped and the database dropped at the end, also on error. Everything
talks to 127.0.0.1 only, and every wait and loop is bounded.

Run: .venv/bin/python bench/write_floor.py  (or `make bench`, which installs wrk if missing).
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/ comes first on sys.path, and bench/http.py there would be imported for the
# stdlib's `http` (here and in every library): drop it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import http.client
import json
import os
import shutil
import socket
import tempfile

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._loadgen import (
    HOST,
    USER_AGENT,
    WRK_CONNECTIONS,
    WRK_THREADS,
    Gunicorn,
    WrkResult,
    free_port,
    median_of,
    wrk,
)

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
FLOOR_DB = "safeslot_floor"
FLOOR_URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{FLOOR_DB}"

#: Statements per transaction: the minimum (lock + insert) up to a booking-sized one.
KS = (2, 4, 8, 16)
RUN_SECONDS, WARM_SECONDS = 10, 2
REPEATS = 3
WORKERS, WORKER_CLASS = 2, "sync"

SCHEMA = (
    "CREATE TABLE counter (id int PRIMARY KEY, v int NOT NULL)",
    "INSERT INTO counter (id, v) VALUES (1, 0)",
    "CREATE TABLE log (id uuid PRIMARY KEY, at timestamptz NOT NULL)",
)

APP_SOURCE = '''\
"""The write floor's app: one transaction of k statements per POST /write."""

import os
import uuid

from flask import Flask, jsonify, request
from sqlalchemy import create_engine, text

#: Bounds the work one request can ask for.
MAX_K = 64
LOCK = text("UPDATE counter SET v = v + 1 WHERE id = 1")
READ = text("SELECT v FROM counter WHERE id = :id")
WRITE = text("INSERT INTO log (id, at) VALUES (:id, now())")

# A sync worker serves one request at a time: two connections are more than it uses.
engine = create_engine(os.environ["FLOOR_DATABASE_URL"], pool_size=2, max_overflow=0)
app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


@app.post("/write")
def write():
    k = request.args.get("k", default=2, type=int)
    if not 2 <= k <= MAX_K:
        return jsonify(error=f"k must be 2..{MAX_K}"), 400
    row_id = uuid.uuid4()
    with engine.begin() as connection:
        connection.execute(LOCK)
        for _ in range(k - 2):
            connection.execute(READ, {"id": 1}).scalar_one()
        connection.execute(WRITE, {"id": row_id})
    return jsonify(id=str(row_id), statements=k), 201
'''

WRK_POST_LUA = 'wrk.method = "POST"\n'


# -- database ------------------------------------------------------------------------


def recreate_database() -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{FLOOR_DB}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{FLOOR_DB}"'))
    finally:
        admin.dispose()
    engine = create_engine(FLOOR_URL)
    try:
        with engine.begin() as connection:
            for statement in SCHEMA:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def drop_database() -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{FLOOR_DB}" WITH (FORCE)'))
    finally:
        admin.dispose()


def committed_writes() -> tuple[int, int]:
    """(counter value, log rows): equal when every transaction committed both writes."""
    engine = create_engine(FLOOR_URL)
    try:
        with engine.connect() as connection:
            counter = connection.execute(text("SELECT v FROM counter WHERE id = 1")).scalar_one()
            rows = connection.execute(text("SELECT count(*) FROM log")).scalar_one()
            return counter, rows
    finally:
        engine.dispose()


# -- the server ----------------------------------------------------------------------


def post(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("POST", path, headers={"User-Agent": USER_AGENT})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def check_write(port: int, k: int) -> None:
    """One POST before the load, so that a broken app fails with its own answer."""
    status, body = post(port, f"/write?k={k}")
    if status != 201 or json.loads(body).get("statements") != k:
        raise RuntimeError(f"POST /write?k={k} answered {status}: {body[:200]!r}")


def measured(port: int, path: str, script: Path | None = None) -> WrkResult:
    """The median of REPEATS runs, after a warm-up run."""
    lua = [str(script)] if script else None
    wrk(port, path, WARM_SECONDS, lua)
    return median_of([wrk(port, path, RUN_SECONDS, lua) for _ in range(REPEATS)])


# -- the run -------------------------------------------------------------------------


def preflight() -> str | None:
    """Why the benchmark cannot run here, or None."""
    if shutil.which("wrk") is None:
        return "wrk is not installed (apt-get install -y wrk; `make bench` does it)"
    try:
        socket.create_connection((HOST, 5432), timeout=3).close()
    except OSError:
        return f"PostgreSQL is not reachable at {HOST}:5432"
    return None


def measure(port: int, post_script: Path) -> dict[str, WrkResult]:
    results = {"ceiling": measured(port, "/healthz")}
    for k in KS:
        check_write(port, k)
        results[f"write_{k}"] = measured(port, f"/write?k={k}", post_script)
    return results


def report(results: dict[str, WrkResult], writes: tuple[int, int]) -> int:
    """Print the table and the JSON line; 1 when a run had errors, else 0."""
    ceiling = results["ceiling"]
    print(
        f"\ngunicorn: {WORKERS} {WORKER_CLASS} workers; "
        f"wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{RUN_SECONDS}s; medians of {REPEATS} runs"
    )
    print(f"{'endpoint':<24} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'ratio':>6}")
    figures: dict[str, float | int] = {"ceiling_rps": round(ceiling.rps, 1)}
    errors = 0
    for name, result in results.items():
        label = "/healthz (ceiling)" if name == "ceiling" else f"POST /write k={name[6:]}"
        ratio = result.rps / ceiling.rps
        print(
            f"{label:<24} {result.rps:>9.0f} {result.p50_ms:>8.2f} {result.p99_ms:>8.2f}"
            f" {result.non_2xx:>8} {ratio:>6.2f}"
        )
        errors += result.non_2xx + result.socket_errors
        if name != "ceiling":
            figures[f"{name}_rps"] = round(result.rps, 1)
            figures[f"{name}_ratio"] = round(ratio, 3)
            figures[f"{name}_p50_ms"] = round(result.p50_ms, 2)
            figures[f"{name}_p99_ms"] = round(result.p99_ms, 2)
    counter, rows = writes
    print(f"committed transactions: counter {counter}, log rows {rows}")
    failed = errors > 0 or counter != rows
    if failed:
        print("error: non-2xx answers or socket errors, or a transaction without its insert")
    figures["errors"] = errors
    print(json.dumps(figures))
    return 1 if failed else 0


def main() -> int:
    problem = preflight()
    if problem:
        print(f"bench/write_floor.py skipped: {problem}")
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="safeslot-floor-"))
    (workdir / "floor_app.py").write_text(APP_SOURCE)
    post_script = workdir / "post.lua"
    post_script.write_text(WRK_POST_LUA)
    port = free_port()
    server = Gunicorn(
        app="floor_app:app",
        chdir=workdir,
        port=port,
        env={**os.environ, "FLOOR_DATABASE_URL": FLOOR_URL},
        log=workdir / "gunicorn.log",
        setting=(WORKER_CLASS, WORKERS, 1),
    )
    try:
        recreate_database()
        server.start()
        results = measure(server.port, post_script)
        server.stop()
        return report(results, committed_writes())
    except Exception:
        if server.log.exists():
            lines = server.log.read_text().splitlines()[-40:]
            print("gunicorn log (last lines):\n" + "\n".join(lines))
        raise
    finally:
        server.stop()
        drop_database()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
