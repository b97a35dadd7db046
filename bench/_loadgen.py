"""What the HTTP benchmarks share: a gunicorn they start and stop, and wrk runs they read.

Imported as `bench._loadgen` with the project root on `sys.path` (not the `bench/`
directory itself, where `bench/http.py` would shadow the standard library's `http`).
Everything talks to 127.0.0.1 only, and every wait is bounded.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
USER_AGENT = "safeslot-bench/1"
WRK_THREADS, WRK_CONNECTIONS = 2, 16
START_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 15


@dataclass(frozen=True)
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int
    #: Lines a wrk Lua script printed, for the caller to read.
    extra: str = ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    """One GET on loopback: (status, headers, body)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers={"User-Agent": USER_AGENT, **(headers or {})})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


class Gunicorn:
    """One gunicorn process group serving `app` from `chdir`, started and stopped here."""

    def __init__(
        self,
        *,
        app: str,
        chdir: Path,
        port: int,
        env: dict[str, str],
        log: Path,
        setting: tuple[str, int, int],
    ) -> None:
        self.app, self.chdir, self.port, self.env, self.log = app, chdir, port, env, log
        #: (worker class, workers, threads per worker)
        self.setting = setting
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start and wait until `/healthz` answers 200 (or raise)."""
        worker_class, workers, threads = self.setting
        argv = [
            sys.executable, "-m", "gunicorn",
            "--bind", f"{HOST}:{self.port}",
            "--workers", str(workers),
            "--worker-class", worker_class,
            "--threads", str(threads),
            "--chdir", str(self.chdir),
            "--error-logfile", str(self.log),
            self.app,
        ]  # fmt: skip
        self.process = subprocess.Popen(argv, env=self.env, process_group=0)  # noqa: S603
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start; see {self.log}")
            with contextlib.suppress(OSError):
                if get(self.port, "/healthz")[0] == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT_SECONDS}s")

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(STOP_TIMEOUT_SECONDS)
        self.process = None

    @property
    def label(self) -> str:
        worker_class, workers, threads = self.setting
        per_worker = f" x {threads} threads" if threads > 1 else ""
        return f"{workers} {worker_class} workers{per_worker}"


# -- wrk -----------------------------------------------------------------------------

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * _UNITS_MS[unit]


def parse_wrk(output: str) -> WrkResult:
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)\s*$", output, re.MULTILINE))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return WrkResult(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=to_ms(latency["50"]),
        p99_ms=to_ms(latency["99"]),
        requests=requests,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
        extra="\n".join(line for line in output.splitlines() if line.startswith("BOOKING_")),
    )


def wrk(port: int, path: str, seconds: int, script: list[str] | None = None) -> WrkResult:
    """One wrk run; `script` is a Lua file and the arguments it takes after `--`."""
    argv = [
        "wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", "--latency",
        "--timeout", "5s", "-H", f"User-Agent: {USER_AGENT}",
    ]  # fmt: skip
    url = f"http://{HOST}:{port}{path}"
    if script:
        argv += ["-s", script[0], url, "--", *script[1:]]
    else:
        argv.append(url)
    done = subprocess.run(  # noqa: S603 (fixed argv)
        argv, capture_output=True, text=True, check=True, timeout=seconds + 60
    )
    return parse_wrk(done.stdout)


def median_of(results: list[WrkResult]) -> WrkResult:
    return WrkResult(
        rps=statistics.median(r.rps for r in results),
        p50_ms=statistics.median(r.p50_ms for r in results),
        p99_ms=statistics.median(r.p99_ms for r in results),
        requests=sum(r.requests for r in results),
        non_2xx=sum(r.non_2xx for r in results),
        socket_errors=sum(r.socket_errors for r in results),
        extra="\n".join(r.extra for r in results if r.extra),
    )
