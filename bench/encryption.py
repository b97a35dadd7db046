"""Benchmark: loading a page of 500 customers with and without opening their private fields.

One client with 500 customers (name, e-mail, phone sealed with AES-256-GCM) on
SQLite. Timed, each the median of repeated runs with a fresh session:
- baseline: the same ORM query with the field-encryption listeners detached, so
  the entities hold their ciphertext (what loading costs without decryption);
- decrypted: the query as the application runs it, every value opened (keys cached);
- AES only: opening the 1,500 values with the envelope functions alone.
Prints the figures, then one JSON line (`baseline_ms`, `decrypted_ms`, `overhead_ms`, ...).
Run: .venv/bin/python bench/encryption.py  (or `make bench`)
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time as clock
from pathlib import Path

# The project root replaces this folder on the path: bench/http.py would shadow the
# standard library's `http`, which Flask imports.
sys.path[0] = str(Path(__file__).resolve().parents[1])

from sqlalchemy import event, select

from app import create_app
from app.config import generate_secrets, load_config
from app.crypto import events as crypto_events
from app.crypto.envelope import FieldContext, key_id_of, open_sealed
from app.crypto.keyring import keyring_for
from app.db import Base, get_db
from app.models import Client, Role, User

CUSTOMERS = 500
RUNS = 15


def build(workdir: Path):
    env = {
        **generate_secrets(),
        "SAFESLOT_ENV": "development",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "SAFESLOT_BCRYPT_COST": "4",
    }
    app = create_app(load_config(env, instance_path=workdir))
    Base.metadata.create_all(get_db(app).engine)
    return app


def load(app) -> Client:
    with get_db(app).session() as session:
        client = Client(slug="bench", name="Bench Clinic", timezone="Europe/London")
        session.add(client)
        session.flush()
        session.add_all(
            User(
                client_id=client.id,
                role=Role.CUSTOMER,
                email=f"customer{n}@bench.example",
                email_lookup=f"{n:064d}",
                display_name=f"Customer Number {n}",
                phone=f"+44 7700 9{n:05d}",
                password_hash="!",  # noqa: S106  (matches no password: nobody signs in)
            )
            for n in range(CUSTOMERS)
        )
        session.commit()
        return client


def page(app, client_id) -> list[User]:
    with get_db(app).session() as session:
        stmt = select(User).where(User.client_id == client_id)
        return list(session.scalars(stmt))


def median_ms(fn) -> float:
    times = []
    for _ in range(RUNS):
        started = clock.perf_counter()
        fn()
        times.append((clock.perf_counter() - started) * 1000)
    return statistics.median(times)


def without_listeners(fn):
    """Run `fn` with the load/refresh listeners detached: values stay ciphertext."""
    listeners = (("load", crypto_events._on_load), ("refresh", crypto_events._on_refresh))
    for name, listener in listeners:
        event.remove(Base, name, listener)
    try:
        return fn()
    finally:
        for name, listener in listeners:
            event.listen(Base, name, listener, raw=True, propagate=True)


def aes_only(app, users: list[User]) -> None:
    keyring = keyring_for(get_db(app).engine)
    with get_db(app).engine.connect() as connection:
        for user in users:
            for column in ("email", "display_name", "phone"):
                value = getattr(user, column)
                key = keyring.opening_key(connection, key_id_of(value))
                context = FieldContext(user.client_id, "users", column, user.id)
                open_sealed(value, key=key.key, context=context)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = build(Path(tmp))
        client = load(app)
        sealed = without_listeners(lambda: page(app, client.id))
        assert sealed[0].email.startswith("ss1."), "baseline must not decrypt"  # noqa: S101
        assert page(app, client.id)[0].email.endswith("@bench.example")  # noqa: S101

        baseline = without_listeners(lambda: median_ms(lambda: page(app, client.id)))
        decrypted = median_ms(lambda: page(app, client.id))
        aes = median_ms(lambda: aes_only(app, sealed))
        get_db(app).engine.dispose()

    values = CUSTOMERS * 3
    print(f"page of {CUSTOMERS} customers, {values} private values, median of {RUNS} runs")
    print(f"  baseline (no decryption): {baseline:8.2f} ms")
    print(f"  decrypted:                {decrypted:8.2f} ms")
    print(f"  overhead:                 {decrypted - baseline:8.2f} ms")
    print(f"  AES-GCM opening only:     {aes:8.2f} ms ({aes * 1000 / values:.1f} µs per value)")
    print(
        json.dumps(
            {
                "customers": CUSTOMERS,
                "baseline_ms": round(baseline, 2),
                "decrypted_ms": round(decrypted, 2),
                "overhead_ms": round(decrypted - baseline, 2),
                "aes_only_ms": round(aes, 2),
                "aes_us_per_value": round(aes * 1000 / values, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
