"""`safeslot serve`: the embedded deployment in one command.

Migrates the database, loads the demo data into an empty one, then runs gunicorn and
one Celery worker (with embedded beat) as child processes until SIGINT or SIGTERM.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from types import FrameType

import click
from sqlalchemy import select

from app import get_config
from app.cli.demo import echo_demo_result
from app.cli.state import CliState, pass_state
from app.config import PROJECT_ROOT
from app.db import get_db, get_session, utcnow
from app.models import Client
from app.schema import upgrade_database
from app.services.demo import load_demo

#: How long children get to finish after SIGTERM before they are killed.
STOP_TIMEOUT_SECONDS = 20


@dataclass
class Child:
    """A supervised child process."""

    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--web-workers", default=2, show_default=True, type=int, help="gunicorn workers.")
@pass_state
def serve(state: CliState, host: str, port: int, web_workers: int) -> None:
    """Run the web server and a background worker (embedded deployment)."""
    app = state.app
    engine = get_db(app).engine
    upgrade_database(engine)
    with app.app_context():
        config = get_config()
        session = get_session()
        if session.scalar(select(Client.id).limit(1)) is None:
            echo_demo_result(load_demo(session, config, now=utcnow()), f"http://{host}:{port}")
        else:
            click.echo("Using the existing data (demo passwords were shown when it was created).")
    engine.dispose()  # the children open their own connections

    children = [
        Child(
            "web",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(web_workers),
                "--graceful-timeout",
                "10",
                "--chdir",
                str(PROJECT_ROOT),
                "wsgi:app",
            ],
        ),
        Child(
            "worker",
            [
                sys.executable,
                "-m",
                "celery",
                "--workdir",
                str(PROJECT_ROOT),
                "-A",
                "workers.worker",
                "worker",
                "-B",
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
            ],
        ),
    ]
    click.echo(f"Serving on http://{host}:{port}/ with a background worker. Ctrl-C stops.")
    sys.exit(supervise(children))


def supervise(children: list[Child]) -> int:
    """Run `children` until a signal arrives or one exits; stop all; return an exit code."""
    stop = threading.Event()
    exit_code = 0

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for child in children:
            if stop.is_set():
                break
            # Own process group: a terminal's Ctrl-C reaches only us, and we stop the
            # children in order instead of each reacting to the signal on its own.
            child.process = subprocess.Popen(child.argv, process_group=0)  # noqa: S603 (fixed argv)
        while not stop.wait(0.5):
            for child in children:
                if child.process is not None and child.process.poll() is not None:
                    click.echo(
                        f"{child.name} exited with status {child.process.returncode}; "
                        "stopping the rest.",
                        err=True,
                    )
                    exit_code = child.process.returncode or 1
                    stop.set()
                    break
    finally:
        _stop_all(children)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return exit_code


def _stop_all(children: list[Child]) -> None:
    running = [
        (child.name, child.process)
        for child in children
        if child.process is not None and child.process.poll() is None
    ]
    for _name, process in running:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for name, process in running:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            click.echo(f"{name} did not stop in time; killing it.", err=True)
    for child in children:
        if child.process is not None:
            # Whatever is left of the child's process group (a stuck worker) goes too.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.process.pid, signal.SIGKILL)
            child.process.wait()
    click.echo("Stopped.")
