"""Benchmark: appending audit events (one transaction each) and verifying the chain.

Uses a temporary SQLite file, or DATABASE_URL when set (an empty test database:
its tables are dropped and created). Appends EVENTS events to one client's
chain, each committed on its own like a request's, then walks the chain with
`safeslot audit verify`'s code. Prints the figures, then one JSON line.
Run: .venv/bin/python bench/audit_chain.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time as clock
import uuid
from pathlib import Path

# The repository root replaces bench/ on the path: bench/http.py would shadow the stdlib.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from app import create_app
from app.db import Base, get_db
from app.models import Client
from app.services import audit
from app.services.audit_verify import verify
from tests.settings import make_test_config

EVENTS = 2000


def main() -> None:
    """Time EVENTS appends and one verification; print a table and a JSON line."""
    workdir = Path(tempfile.mkdtemp(prefix="audit-bench-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    app = create_app(make_test_config(instance_path=workdir, database_url=url))
    engine = get_db(app).engine
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    try:
        figures = _run(app)
    finally:
        Base.metadata.drop_all(engine)
        engine.dispose()
    for name, value in figures.items():
        print(f"{name:>28}: {value}")
    print(json.dumps(figures))


def _run(app) -> dict[str, object]:
    with app.app_context(), get_db(app).session() as session:
        client = Client(slug="bench", name="Bench", timezone="UTC")
        session.add(client)
        session.commit()
        started = clock.perf_counter()
        for _ in range(EVENTS):
            audit.record(
                session,
                action="customer.view",
                client_id=client.id,
                object_type="customer",
                object_id=uuid.uuid4(),
                actor_id=uuid.uuid4(),
                actor_role="staff",
                ip="192.0.2.1",
            )
            session.commit()
        appended = clock.perf_counter() - started
        started = clock.perf_counter()
        report = verify(session, app.config["SAFESLOT"].audit_key, str(client.id))
        verified = clock.perf_counter() - started
    if not report.intact or report.events != EVENTS:
        raise SystemExit(f"the chain did not verify: {report}")
    return {
        "database": get_db(app).engine.dialect.name,
        "events": EVENTS,
        "append_ms_per_event": round(appended * 1000 / EVENTS, 3),
        "appends_per_second": round(EVENTS / appended),
        "verify_events_per_second": round(EVENTS / verified),
    }


if __name__ == "__main__":
    main()
