"""Benchmark the tenant home page and ``/api/v1/t/<slug>/me/`` on a real gunicorn over loopback.

Runs collectstatic (DEBUG off needs the whitenoise manifest), starts gunicorn itself (2 workers,
``DJANGO_DEBUG=false``, ``PARTNERING_QUERY_COUNT_HEADER=1``), signs in through the HTML login form,
then times N sequential GETs per endpoint and prints median / p95 / max latency and the SQL queries
per request (from the ``X-Query-Count`` response header). Needs a migrated and seeded local database
(``make bench`` prepares it).

    .venv/bin/python bench/bench_home.py [--requests 200] [--port 8765] [--tenant aquenta]
"""

from __future__ import annotations

import argparse
import sys

import requests
from common import (
    HOST,
    MAX_REQUESTS,
    WARMUP_REQUESTS,
    BenchError,
    Result,
    log_in,
    measure,
    print_table,
    serve,
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=200, help="Timed requests per endpoint (default 200).")
    parser.add_argument("--port", type=int, default=8765, help="Loopback port for gunicorn (default 8765).")
    parser.add_argument("--tenant", default="aquenta", help="Tenant slug (default aquenta).")
    parser.add_argument("--email", default="rep@aquenta.example", help="Login e-mail (a member of the tenant).")
    parser.add_argument("--password", default="partnering-demo", help="Login password (seed_demo's default).")
    args = parser.parse_args(argv)
    if not 1 <= args.requests <= MAX_REQUESTS:
        parser.error(f"--requests must be between 1 and {MAX_REQUESTS}")
    if not 1024 <= args.port <= 65535:
        parser.error("--port must be between 1024 and 65535")
    return args


def run(args: argparse.Namespace) -> list[Result]:
    with serve(args.port) as base_url, requests.Session() as session:
        log_in(session, base_url, args.email, args.password)
        endpoints = [
            (f"/t/{args.tenant}/", base_url + f"/t/{args.tenant}/"),
            (f"/api/v1/t/{args.tenant}/me/", base_url + f"/api/v1/t/{args.tenant}/me/"),
        ]
        return [measure(session, name, url, args.requests) for name, url in endpoints]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        results = run(args)
    except (BenchError, requests.RequestException) as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    print(
        f"gunicorn 2 workers on {HOST}:{args.port}, DEBUG off, tenant {args.tenant}, user {args.email}, "
        f"{WARMUP_REQUESTS} warm-up requests per endpoint, sequential GETs"
    )
    print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
