"""Helpers shared by the benchmark scripts: gunicorn on loopback, HTML sign-in, timed GETs, tables.

Each script starts its own gunicorn (2 workers, ``DJANGO_DEBUG=false``, ``PARTNERING_QUERY_COUNT_HEADER=1``)
with ``serve()``, signs in with ``log_in()`` and measures endpoints with ``measure()``; any status other
than 200 or a missing ``X-Query-Count`` header aborts the run with ``BenchError``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import requests

REPO_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
LOGIN_PATH = "/accounts/login/"
WARMUP_REQUESTS = 5
MAX_REQUESTS = 100_000
STARTUP_TIMEOUT_S = 30.0
REQUEST_TIMEOUT_S = 30.0


class BenchError(RuntimeError):
    """The benchmark cannot produce trustworthy figures."""


@dataclass(frozen=True)
class Result:
    name: str
    timings_ms: list[float]
    query_counts: list[int]

    def row(self) -> list[str]:
        ordered = sorted(self.timings_ms)
        p95 = ordered[math.ceil(0.95 * len(ordered)) - 1]  # nearest-rank percentile
        return [
            self.name,
            str(len(ordered)),
            f"{statistics.median(ordered):.1f}",
            f"{p95:.1f}",
            f"{ordered[-1]:.1f}",
            f"{min(self.query_counts)}/{max(self.query_counts)}",
        ]


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex((HOST, port)) == 0


def collect_static() -> None:
    """With DEBUG off, ``{% static %}`` in every page needs an up-to-date whitenoise manifest."""
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"]
    completed = subprocess.run(command, cwd=REPO_ROOT, env=server_env(), capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise BenchError(f"collectstatic failed:\n{completed.stderr.strip()}")


def server_env() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "false",
        "PARTNERING_QUERY_COUNT_HEADER": "1",
    }


def start_gunicorn(port: int, log: IO[bytes]) -> subprocess.Popen[bytes]:
    """Start gunicorn from this virtualenv; its output goes to ``log``."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if not gunicorn.exists():
        raise BenchError(f"gunicorn not found next to {sys.executable}; run with .venv/bin/python")
    # No control socket: the default path ($HOME/.gunicorn/gunicorn.ctl) is shared by every gunicorn of this user.
    command = [str(gunicorn), "config.wsgi", "--bind", f"{HOST}:{port}", "--workers", "2", "--no-control-socket"]
    return subprocess.Popen(command, cwd=REPO_ROOT, env=server_env(), stdout=log, stderr=subprocess.STDOUT)


def wait_until_ready(base_url: str, server: subprocess.Popen[bytes]) -> None:
    """Poll the login page until it answers 200, the server dies, or the timeout passes."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited with code {server.returncode} during startup")
        try:
            status = requests.get(base_url + LOGIN_PATH, timeout=2).status_code
        except (requests.ConnectionError, requests.Timeout):  # not listening yet, or a worker still booting
            time.sleep(0.2)
            continue
        if status != 200:
            raise BenchError(f"GET {LOGIN_PATH} returned HTTP {status} at startup, expected 200")
        return
    raise BenchError(f"gunicorn did not answer {LOGIN_PATH} within {STARTUP_TIMEOUT_S:.0f}s")


def stop_gunicorn(server: subprocess.Popen[bytes]) -> None:
    """Graceful stop (SIGTERM), then SIGKILL if the master does not exit in time."""
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=5)


def log_in(session: requests.Session, base_url: str, email: str, password: str) -> None:
    """Sign in through the HTML form, like a browser: CSRF cookie + token field + Referer."""
    login_url = base_url + LOGIN_PATH
    page = session.get(login_url, timeout=REQUEST_TIMEOUT_S)
    page.raise_for_status()
    token = session.cookies.get("csrftoken")
    if not token:
        raise BenchError("the login page did not set a csrftoken cookie")
    response = session.post(
        login_url,
        data={"username": email, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": login_url},
        timeout=REQUEST_TIMEOUT_S,
    )
    if response.status_code != 200 or "sessionid" not in session.cookies or response.url.endswith(LOGIN_PATH):
        raise BenchError(
            f"login as {email} failed (HTTP {response.status_code}, ended at {response.url}); "
            "is the database seeded (manage.py seed_demo)?"
        )


def timed_get(session: requests.Session, url: str) -> tuple[float, int]:
    """One GET; returns (milliseconds, X-Query-Count). Anything but 200 aborts the run."""
    start = time.perf_counter()
    response = session.get(url, timeout=REQUEST_TIMEOUT_S, allow_redirects=False)
    elapsed_ms = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise BenchError(f"GET {url} returned HTTP {response.status_code}, expected 200")
    header = response.headers.get("X-Query-Count")
    if header is None:
        raise BenchError(f"GET {url} has no X-Query-Count header (PARTNERING_QUERY_COUNT_HEADER not applied?)")
    return elapsed_ms, int(header)


def measure(session: requests.Session, name: str, url: str, count: int) -> Result:
    for _ in range(WARMUP_REQUESTS):
        timed_get(session, url)
    timings: list[float] = []
    queries: list[int] = []
    for _ in range(count):
        elapsed_ms, query_count = timed_get(session, url)
        timings.append(elapsed_ms)
        queries.append(query_count)
    return Result(name=name, timings_ms=timings, query_counts=queries)


def measure_rotating(session: requests.Session, name: str, urls: list[str], count: int) -> Result:
    """Like ``measure`` but cycles through ``urls`` (several objects of the same page)."""
    for index in range(max(WARMUP_REQUESTS, len(urls))):  # every URL warmed up at least once
        timed_get(session, urls[index % len(urls)])
    timings: list[float] = []
    queries: list[int] = []
    for index in range(count):
        elapsed_ms, query_count = timed_get(session, urls[index % len(urls)])
        timings.append(elapsed_ms)
        queries.append(query_count)
    return Result(name=name, timings_ms=timings, query_counts=queries)


def print_table(results: list[Result]) -> None:
    header = ["endpoint", "requests", "median ms", "p95 ms", "max ms", "queries min/max"]
    rows = [header, *(result.row() for result in results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0]), *(cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True))]
        print("  ".join(cells))
        if index == 0:
            print("  ".join("-" * width for width in widths))


def print_verdict(label: str, result: Result, target_ms: float) -> None:
    """One line: whether the median of ``result`` meets the page's target."""
    median = statistics.median(result.timings_ms)
    verdict = "meets" if median < target_ms else "MISSES"
    print(f"{label} median {median:.1f} ms {verdict} the target of < {target_ms:.0f} ms")


@contextlib.contextmanager
def serve(port: int) -> Iterator[str]:
    """collectstatic, then gunicorn on ``port`` for the block; yields the base URL. On an error the
    last lines of gunicorn's output go to stderr; gunicorn is always stopped."""
    if port_in_use(port):
        raise BenchError(f"port {port} is already in use; pick another with --port")
    base_url = f"http://{HOST}:{port}"
    collect_static()
    with tempfile.TemporaryFile() as log:
        server = start_gunicorn(port, log)
        try:
            wait_until_ready(base_url, server)
            yield base_url
        except BaseException:
            log.seek(0)
            tail = log.read().decode(errors="replace").splitlines()[-30:]
            print("--- gunicorn output (last lines) ---", *tail, sep="\n", file=sys.stderr)
            raise
        finally:
            stop_gunicorn(server)


def scaled_bench_args(
    description: str | None,
    *,
    scale_help: str,
    default_scale: int,
    max_scale: int,
    default_port: int,
    argv: list[str] | None = None,
) -> argparse.Namespace:
    """Arguments shared by the benches that seed ``seed_demo --scale N`` and cycle through relationships."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--requests", type=int, default=200, help="Timed requests per page (default 200).")
    parser.add_argument("--scale", type=int, default=default_scale, help=f"{scale_help} (default {default_scale}).")
    parser.add_argument("--relationships", type=int, default=5, help="Relationships to cycle through (default 5).")
    parser.add_argument(
        "--port", type=int, default=default_port, help=f"Loopback port for gunicorn (default {default_port})."
    )
    parser.add_argument("--password", default="partnering-demo", help="Demo password (seed_demo's default).")
    parser.add_argument("--skip-seed", action="store_true", help="Use the database as it is (already seeded).")
    args = parser.parse_args(argv)
    if not 1 <= args.requests <= MAX_REQUESTS:
        parser.error(f"--requests must be between 1 and {MAX_REQUESTS}")
    if not 1 <= args.scale <= max_scale:
        parser.error(f"--scale must be between 1 and {max_scale}")
    if not 1 <= args.relationships <= 100:
        parser.error("--relationships must be between 1 and 100")
    if not 1024 <= args.port <= 65535:
        parser.error("--port must be between 1024 and 65535")
    return args


#: The benchmark tenant that ``seed_demo --scale N`` builds, and its admin login (core/demo.py).
TENANT = "benchco"
EMAIL = "bench@benchco.example"


def seed_and_read(args: argparse.Namespace, script: str, *seed_args: str, **fields: Any) -> dict[str, Any]:
    """``seed_demo --scale N`` (unless ``--skip-seed``), then run ``script`` (a ``manage.py shell``
    snippet printing one JSON line; formatted with ``slug`` and ``fields``) and return what it printed."""
    if not args.skip_seed:
        manage("seed_demo", "--scale", str(args.scale), *seed_args, "--password", args.password)
    output = manage("shell", "-c", script.format(slug=TENANT, **fields))
    data: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return data


def manage(*arguments: str) -> str:
    """Run ``manage.py`` with the local settings; returns stdout, raises BenchError on failure."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    command = [sys.executable, "manage.py", *arguments]
    completed = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise BenchError(f"manage.py {arguments[0]} failed:\n{completed.stderr.strip()[-2000:]}")
    return completed.stdout
