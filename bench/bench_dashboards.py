"""Benchmark the dashboards pages at scale: the sponsor dashboard, and the scorecard page and review
pack of several relationships.

Prepares data with ``manage.py seed_demo --scale N`` (local settings; tenant "benchco" with N
relationships, each with a scorecard of 14 metrics × 12 quarters of results and both sides' ratings;
idempotent, so a second run only checks), starts gunicorn on loopback like ``bench_home.py``, signs
in as ``bench@benchco.example`` (an admin, who sees every relationship on the sponsor dashboard) and
times sequential GETs of

* ``/t/benchco/dashboards/sponsor/`` (all N relationships),
* ``/t/benchco/relationships/<id>/scorecard/`` cycling through several relationships, and
* ``/t/benchco/relationships/<id>/review-pack/<last closed quarter>/`` likewise,

printing median / p95 / max latency and the SQL queries per request (``X-Query-Count``).

    .venv/bin/python bench/bench_dashboards.py [--requests 200] [--scale 200] [--relationships 5] [--port 8767]
"""

from __future__ import annotations

import argparse
import sys

import requests
from common import (
    EMAIL,
    HOST,
    TENANT,
    WARMUP_REQUESTS,
    BenchError,
    Result,
    log_in,
    measure,
    measure_rotating,
    print_table,
    print_verdict,
    scaled_bench_args,
    seed_and_read,
    serve,
)

MAX_SCALE = 5_000
TARGET_MEDIAN_MS = 150.0

# Runs in ``manage.py shell``: K relationship ids spread over the tenant, the last closed quarter, sizes.
IDS_SCRIPT = """
import json
from core.models import Tenant
from core.tenancy import tenant_context
from core import quarters
from dashboards.models import ChampionRating, QuarterlyResult, Scorecard
from partnering.models import Relationship
with tenant_context(Tenant.objects.get(slug={slug!r})):
    ids = [str(pk) for pk in Relationship.objects.order_by("account__name").values_list("pk", flat=True)]
    step = max(1, len(ids) // {count})
    print(json.dumps({{
        "ids": ids[::step][:{count}],
        "quarter": quarters.shift(quarters.current(), -1),
        "relationships": len(ids),
        "scorecards": Scorecard.objects.count(),
        "results": QuarterlyResult.objects.count(),
        "ratings": ChampionRating.objects.count(),
    }}))
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    return scaled_bench_args(
        __doc__.splitlines()[0] if __doc__ else None,
        scale_help="Relationships in the bench tenant",
        default_scale=200,
        max_scale=MAX_SCALE,
        default_port=8767,
        argv=argv,
    )


def prepare(args: argparse.Namespace) -> dict:
    data = seed_and_read(args, IDS_SCRIPT, count=args.relationships)
    if not data["ids"] or not data["scorecards"]:
        raise BenchError(f"tenant {TENANT} has no relationships with scorecards; run without --skip-seed")
    return data


def run(args: argparse.Namespace, data: dict) -> list[Result]:
    with serve(args.port) as base_url, requests.Session() as session:
        log_in(session, base_url, EMAIL, args.password)
        page = f"{base_url}/t/{TENANT}"
        scorecards = [f"{page}/relationships/{pk}/scorecard/" for pk in data["ids"]]
        packs = [f"{page}/relationships/{pk}/review-pack/{data['quarter']}/" for pk in data["ids"]]
        return [
            measure(session, f"/t/{TENANT}/dashboards/sponsor/", f"{page}/dashboards/sponsor/", args.requests),
            measure_rotating(
                session, f"/t/{TENANT}/relationships/<id>/scorecard/ ({len(scorecards)} ids)", scorecards, args.requests
            ),
            measure_rotating(
                session,
                f"/t/{TENANT}/relationships/<id>/review-pack/{data['quarter']}/ ({len(packs)} ids)",
                packs,
                args.requests,
            ),
        ]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        data = prepare(args)
        results = run(args, data)
    except (BenchError, requests.RequestException) as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    print(
        f"gunicorn 2 workers on {HOST}:{args.port}, DEBUG off, tenant {TENANT} "
        f"({data['relationships']} relationships, {data['scorecards']} scorecards, {data['results']} results, "
        f"{data['ratings']} ratings), user {EMAIL}, {WARMUP_REQUESTS} warm-up requests per page, sequential GETs"
    )
    print_table(results)
    print_verdict("sponsor dashboard", results[0], TARGET_MEDIAN_MS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
