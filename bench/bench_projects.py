"""Benchmark the projects pages at scale: the board and the project list with 5,000 projects.

Prepares data with ``manage.py seed_demo --scale N --projects P`` (local settings; tenant "benchco"
with N customer accounts and P projects spread over them, every phase, some stalled, waiting,
long-running or with a pending tollgate; idempotent, so a second run only checks), starts gunicorn on
loopback like ``bench_home.py``, signs in as ``bench@benchco.example`` (an admin: internal, sees every
project) and times sequential GETs of

* ``/t/benchco/projects/board/`` (the Kanban board of all P projects), and
* ``/t/benchco/projects/`` (the project list, its first page),

printing median / p95 / max latency and the SQL queries per request (``X-Query-Count``).

    .venv/bin/python bench/bench_projects.py [--requests 200] [--projects 5000] [--scale 200] [--port 8768]

``scripts/bench_projects.sh`` (what ``make bench`` runs) does this on a scratch database.
"""

from __future__ import annotations

import argparse
import sys

import requests
from common import (
    EMAIL,
    HOST,
    MAX_REQUESTS,
    TENANT,
    WARMUP_REQUESTS,
    BenchError,
    Result,
    log_in,
    measure,
    print_table,
    print_verdict,
    seed_and_read,
    serve,
)

MAX_PROJECTS = 50_000
MAX_SCALE = 5_000
TARGET_MEDIAN_MS = 200.0

# Runs in ``manage.py shell``: the size of the bench tenant.
SIZE_SCRIPT = """
import json
from django.db.models import Count
from core.models import Tenant
from core.tenancy import tenant_context
from partnering.models import CustomerAccount
from projects.models import Project
with tenant_context(Tenant.objects.get(slug={slug!r})):
    print(json.dumps({{
        "accounts": CustomerAccount.objects.count(),
        "projects": Project.objects.count(),
        "phases": dict(Project.objects.values_list("phase").annotate(n=Count("id")).order_by()),
    }}))
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=200, help="Timed requests per page (default 200).")
    parser.add_argument("--projects", type=int, default=5000, help="Projects in the bench tenant (default 5000).")
    parser.add_argument("--scale", type=int, default=200, help="Customer accounts in the bench tenant (default 200).")
    parser.add_argument("--port", type=int, default=8768, help="Loopback port for gunicorn (default 8768).")
    parser.add_argument("--password", default="partnering-demo", help="Demo password (seed_demo's default).")
    parser.add_argument("--skip-seed", action="store_true", help="Use the database as it is (already seeded).")
    args = parser.parse_args(argv)
    if not 1 <= args.requests <= MAX_REQUESTS:
        parser.error(f"--requests must be between 1 and {MAX_REQUESTS}")
    if not 1 <= args.projects <= MAX_PROJECTS:
        parser.error(f"--projects must be between 1 and {MAX_PROJECTS}")
    if not 1 <= args.scale <= MAX_SCALE:
        parser.error(f"--scale must be between 1 and {MAX_SCALE}")
    if not 1024 <= args.port <= 65535:
        parser.error("--port must be between 1024 and 65535")
    return args


def prepare(args: argparse.Namespace) -> dict:
    data = seed_and_read(args, SIZE_SCRIPT, "--projects", str(args.projects))
    if not data["projects"]:
        raise BenchError(f"tenant {TENANT} has no projects; run without --skip-seed")
    return data


def run(args: argparse.Namespace) -> list[Result]:
    with serve(args.port) as base_url, requests.Session() as session:
        log_in(session, base_url, EMAIL, args.password)
        page = f"{base_url}/t/{TENANT}/projects"
        return [
            measure(session, f"/t/{TENANT}/projects/board/", f"{page}/board/", args.requests),
            measure(session, f"/t/{TENANT}/projects/", f"{page}/", args.requests),
        ]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        data = prepare(args)
        results = run(args)
    except (BenchError, requests.RequestException) as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    phases = ", ".join(f"{phase} {count}" for phase, count in sorted(data["phases"].items()))
    print(
        f"gunicorn 2 workers on {HOST}:{args.port}, DEBUG off, tenant {TENANT} "
        f"({data['accounts']} accounts, {data['projects']} projects: {phases}), user {EMAIL}, "
        f"{WARMUP_REQUESTS} warm-up requests per page, sequential GETs"
    )
    print_table(results)
    print_verdict("board", results[0], TARGET_MEDIAN_MS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
