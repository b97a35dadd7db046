"""Backup and verification of 10,000 and 100,000 appointments on SQLite: time and memory.

Each size is built in one child process (bulk inserts) and measured in another, so the
measuring process's peak resident memory (ru_maxrss) covers only the backup and the
verification; tracemalloc's peak shows what Python itself allocated. Memory should stay
about the same from 10,000 to 100,000 appointments: the file is streamed in 1 MiB
chunks. The last line is one JSON object with every figure.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess  # noqa: S404 (runs this script as a child, fixed arguments)
import sys
import tempfile
import time as clock
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

# The project root replaces this folder on the path: bench/http.py would shadow the
# standard library's `http`, which Flask imports.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from sqlalchemy import insert

from app import create_app
from app.config import generate_secrets, load_config
from app.db import Base, get_db, utcnow
from app.models import Appointment, AppointmentStatus, Client, Role, Schedule, Service, User
from app.services import backup_checks, backups

SIZES = (10_000, 100_000)
CUSTOMERS = 500
BATCH = 10_000


def make_app(workdir: Path):
    """An app on `workdir/bench.sqlite3`; secrets fixed in `workdir/env.json` for both children."""
    env_file = workdir / "env.json"
    if not env_file.exists():
        env_file.write_text(json.dumps(generate_secrets()))
    env = {
        **json.loads(env_file.read_text()),
        "SAFESLOT_ENV": "development",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "SAFESLOT_BCRYPT_COST": "4",
    }
    return create_app(load_config(env, instance_path=workdir))


def build(workdir: Path, count: int) -> None:
    """Create the database with `count` appointments, inserted in bulk."""
    app = make_app(workdir)
    Base.metadata.create_all(get_db(app).engine)
    session = get_db(app).session()
    client = Client(slug="bench", name="Bench Clinic", timezone="Europe/London")
    session.add(client)
    session.flush()
    service = Service(client_id=client.id, name="Consultation", duration_minutes=30)
    schedule = Schedule(client_id=client.id, name="Clinic", slug="clinic", timezone="Europe/London")
    people = [
        User(
            client_id=client.id,
            role=Role.CUSTOMER,
            email=f"p{n}@bench.example",
            email_lookup=f"{n:064d}",
            display_name=f"Person {n}",
            password_hash="!",  # noqa: S106 (matches no password: nobody signs in here)
        )
        for n in range(CUSTOMERS)
    ]
    session.add_all([service, schedule, *people])
    session.commit()
    rng = random.Random(2026)
    first = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
    for done in range(0, count, BATCH):
        rows = []
        for _ in range(min(BATCH, count - done)):
            start = first + timedelta(minutes=15 * rng.randrange(4 * 24 * 365 * 3))
            rows.append(
                {
                    "client_id": client.id,
                    "schedule_id": schedule.id,
                    "service_id": service.id,
                    "customer_id": rng.choice(people).id,
                    "start_at": start,
                    "end_at": start + timedelta(minutes=30),
                    "status": AppointmentStatus.CONFIRMED,
                }
            )
        session.execute(insert(Appointment), rows)
        session.commit()
    session.close()
    get_db(app).engine.dispose()


def measure(workdir: Path) -> dict[str, float]:
    """Back up and verify the database in `workdir`; times, peaks and sizes."""
    app = make_app(workdir)
    config = app.config["SAFESLOT"]
    session = get_db(app).session()
    tracemalloc.start()
    started = clock.perf_counter()
    made = backups.run_backup(session, config, now=utcnow())
    backup_s = clock.perf_counter() - started
    backup_peak = tracemalloc.get_traced_memory()[1]
    if made.status.value != "succeeded":
        raise SystemExit(f"backup failed: {made.message}")
    tracemalloc.reset_peak()
    started = clock.perf_counter()
    result = backup_checks.verify_path(
        session, config, config.backup_dir / made.file_name, now=utcnow()
    )
    verify_s = clock.perf_counter() - started
    verify_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    if not result.ok:
        raise SystemExit(f"verification failed: {result.message}")
    session.close()
    return {
        "database_bytes": (workdir / "bench.sqlite3").stat().st_size,
        "backup_bytes": made.size or 0,
        "backup_s": round(backup_s, 3),
        "verify_s": round(verify_s, 3),
        "backup_python_peak_kib": backup_peak // 1024,
        "verify_python_peak_kib": verify_peak // 1024,
        # Linux reports ru_maxrss in KiB.
        "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def child(*args: str) -> str:
    done = subprocess.run(  # noqa: S603 (this script, fixed arguments)
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    return done.stdout


def main() -> None:
    figures: dict[str, dict[str, float]] = {}
    for count in SIZES:
        with tempfile.TemporaryDirectory(prefix="safeslot-bench-backup-") as work:
            started = clock.perf_counter()
            child("--build", work, str(count))
            build_s = clock.perf_counter() - started
            result = json.loads(child("--measure", work).strip().splitlines()[-1])
        result["build_s"] = round(build_s, 2)
        figures[str(count)] = result
        print(
            f"{count:>7} appointments: database {result['database_bytes'] / 1e6:6.1f} MB, "
            f"backup {result['backup_s']:6.2f} s ({result['backup_bytes'] / 1e6:.1f} MB), "
            f"verify {result['verify_s']:6.2f} s, python peak "
            f"{result['backup_python_peak_kib']} / {result['verify_python_peak_kib']} KiB, "
            f"max RSS {result['max_rss_kib'] / 1024:.0f} MiB"
        )
    small, large = (figures[str(n)] for n in SIZES)
    ratio = large["max_rss_kib"] / small["max_rss_kib"]
    print(
        f"peak RSS 100,000 vs 10,000: x{ratio:.2f} (database x"
        f"{large['database_bytes'] / small['database_bytes']:.1f})"
    )
    print(json.dumps({"appointments": figures, "rss_ratio_100k_vs_10k": round(ratio, 3)}))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--build":
        build(Path(sys.argv[2]), int(sys.argv[3]))
    elif len(sys.argv) == 3 and sys.argv[1] == "--measure":
        print(json.dumps(measure(Path(sys.argv[2]))))
    else:
        main()
