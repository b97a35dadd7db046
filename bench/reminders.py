"""Benchmark: claim and send 10,000 due reminders with two workers to a local SMTP server.

One client, 200 customers, 10,000 confirmed appointments each with its reminder
already due; two worker threads (separate sessions) run the reminder sweep until
nothing is left, sending to an aiosmtpd server in this process. Prints the rate
and the number of duplicates (every Message-ID received more than once; it must
be 0), then one JSON line with `reminders_per_second`, `duplicates` and the rest.

The database is a temporary SQLite file, or BENCH_DATABASE_URL (for example a
PostgreSQL database made for this; its tables are dropped and created).
Run: .venv/bin/python bench/reminders.py  (or `make bench`)
"""

from __future__ import annotations

import json
import os
import socket
import sys
import tempfile
import threading
import time as clock
import uuid
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path

# The project root replaces this folder on the path: bench/http.py would shadow the
# standard library's `http`, which Flask imports.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from aiosmtpd.controller import Controller
from sqlalchemy import func, insert, select

from app import create_app
from app.config import generate_secrets, load_config
from app.db import Base, get_db
from app.mail.settings import SmtpTls
from app.models import Appointment, AppointmentStatus, Client, Role, Schedule, Service, User
from app.models.delivery import DeliveryStatus
from app.models.reminder import Reminder
from app.services.reminders_sending import send_due_reminders

REMINDERS = int(os.environ.get("BENCH_REMINDERS", "10000"))
CUSTOMERS = 200
WORKERS = 2
#: Bound on sweeps per worker, so a fault cannot loop for ever.
MAX_SWEEPS = 100


class Counting:
    """An SMTP handler that counts Message-IDs."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ids: Counter[str] = Counter()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        headers = BytesHeaderParser(policy=policy.default).parsebytes(envelope.content)
        with self.lock:
            self.ids[str(headers["Message-ID"]).strip()] += 1
        return "250 OK"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build(workdir: Path, smtp_port: int):
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    env = {
        **generate_secrets(),
        "SAFESLOT_ENV": "development",
        "DATABASE_URL": url,
        "SAFESLOT_BCRYPT_COST": "4",
    }
    config = load_config(env, instance_path=workdir)
    mail = replace(config.mail, smtp_host="127.0.0.1", smtp_port=smtp_port, smtp_tls=SmtpTls.NONE)
    app = create_app(config.with_overrides(ratelimit_enabled=False, mail=mail))
    engine = get_db(app).engine
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    return app


def load(app, start: datetime) -> None:
    """10,000 appointments from `start` on, each with its 24-hour reminder due now."""
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
                role=Role.CUSTOMER,
                email=f"p{n}@bench.example",
                email_lookup=f"{n:064d}",
                display_name=f"Person {n}",
                password_hash="!",  # noqa: S106 - matches no password: nobody signs in
            )
            for n in range(CUSTOMERS)
        ]
        session.add_all([service, schedule, *people])
        session.commit()
        appointments, reminders = [], []
        for n in range(REMINDERS):
            appointment_id = uuid.uuid4()
            at = start + timedelta(minutes=30 * n)
            appointments.append(
                {
                    "id": appointment_id,
                    "client_id": client.id,
                    "schedule_id": schedule.id,
                    "service_id": service.id,
                    "customer_id": people[n % CUSTOMERS].id,
                    "start_at": at,
                    "end_at": at + timedelta(minutes=30),
                    "status": AppointmentStatus.CONFIRMED,
                }
            )
            reminders.append(
                {
                    "id": uuid.uuid4(),
                    "client_id": client.id,
                    "appointment_id": appointment_id,
                    "lead_minutes": 24 * 60,
                    "for_start_at": at,
                    "due_at": start - timedelta(days=1),
                    "status": DeliveryStatus.PENDING,
                    "attempts": 0,
                }
            )
        session.execute(insert(Appointment), appointments)
        session.execute(insert(Reminder), reminders)
        session.commit()
    finally:
        session.close()


def run_workers(app, now: datetime) -> list[int]:
    """Each worker sweeps until a sweep finds nothing; returns what each sent."""
    sent = [0] * WORKERS
    errors: list[BaseException] = []
    barrier = threading.Barrier(WORKERS)

    def worker(index: int) -> None:
        try:
            with app.app_context():
                session = get_db(app).session()
                try:
                    barrier.wait(30)
                    for _ in range(MAX_SWEEPS):
                        report = send_due_reminders(session, now=lambda: now)
                        sent[index] += report.sent
                        if report.sent == 0 and report.retrying == 0:
                            break
                finally:
                    session.close()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return sent


def main() -> None:
    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            app = build(Path(tmp), controller.port)
            start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=2)
            load(app, start)
            now = start - timedelta(days=1)
            began = clock.perf_counter()
            per_worker = run_workers(app, now)
            seconds = clock.perf_counter() - began
            session = get_db(app).session()
            unsent = session.scalar(
                select(func.count()).where(Reminder.status != DeliveryStatus.SENT)
            )
            backend = get_db(app).engine.dialect.name
            session.close()
            get_db(app).engine.dispose()
    finally:
        controller.stop()
    received = sum(handler.ids.values())
    duplicates = sum(count - 1 for count in handler.ids.values() if count > 1)
    rate = REMINDERS / seconds
    print(f"database: {backend}, workers: {WORKERS}")
    print(
        f"sent {sum(per_worker)} reminders ({' + '.join(map(str, per_worker))}) in {seconds:.1f} s"
    )
    print(f"reminders per second: {rate:.0f}")
    print(f"received by the SMTP server: {received}, duplicates: {duplicates}, unsent: {unsent}")
    print(
        json.dumps(
            {
                "database": backend,
                "workers": WORKERS,
                "reminders": REMINDERS,
                "seconds": round(seconds, 2),
                "reminders_per_second": round(rate, 1),
                "received": received,
                "duplicates": duplicates,
                "unsent": unsent,
            }
        )
    )


if __name__ == "__main__":
    main()
