"""Helper: show that `lock_schedule` makes a second writer wait for the first to commit."""

from __future__ import annotations

import threading
import time
import uuid

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import sessionmaker

from app.db_locks import lock_schedule
from app.models import Schedule

#: How long the first transaction keeps the lock while the second tries to take it.
HOLD_SECONDS = 0.5


def assert_second_writer_waits_for_first(engine: Engine, schedule_id: uuid.UUID) -> None:
    """Run two transactions that lock one schedule; the second must block until the first
    commits, and then see what the first wrote."""
    new_session = sessionmaker(engine)
    first_locked = threading.Event()
    log: list[str] = []
    seen: list[str] = []
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with new_session() as session:
                lock_schedule(session, schedule_id)
                log.append("first locked")
                first_locked.set()
                time.sleep(HOLD_SECONDS)
                session.execute(
                    update(Schedule).where(Schedule.id == schedule_id).values(name="renamed")
                )
                log.append("first commits")
                session.commit()
        except BaseException as error:  # reported by the main thread
            errors.append(error)
            first_locked.set()

    def second() -> None:
        try:
            first_locked.wait(10)
            with new_session() as session:
                started = time.monotonic()
                lock_schedule(session, schedule_id)
                log.append("second locked")
                seen.append(session.scalar(select(Schedule.name).where(Schedule.id == schedule_id)))
                seen.append(f"waited {time.monotonic() - started:.2f}")
                session.commit()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert not errors, errors
    assert log == ["first locked", "first commits", "second locked"]
    assert seen[0] == "renamed"
    waited = float(seen[1].split()[1])
    assert waited >= HOLD_SECONDS * 0.5, f"second writer did not wait ({waited}s)"


def run_at_once(count: int, attempt, *, expected: tuple[type[BaseException], ...] = ()) -> None:
    """Run `attempt(i)` in `count` threads released together; fail on unexpected errors.

    Threads wait at the barrier before touching the database, so a small connection
    pool cannot keep some of them from starting.
    """
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait(timeout=30)
        try:
            attempt(i)
        except expected:
            pass
        except Exception as error:  # reported by the calling thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
