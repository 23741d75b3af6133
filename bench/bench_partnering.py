"""Benchmark the partnering pages at scale: the relationship page and the account list.

Prepares data with ``manage.py seed_demo --scale N`` (local settings; tenant "benchco" with N
customer accounts of 20 contacts, one relationship with 8 meetings, 10 actions and 6 topics each;
idempotent, so a second run only checks), starts gunicorn on loopback like ``bench_home.py``, signs
in as ``bench@benchco.example`` and times N sequential GETs of

* ``/t/benchco/relationships/<id>/`` cycling through several relationships, and
* ``/t/benchco/accounts/`` (the first page of N accounts),

printing median / p95 / max latency and the SQL queries per request (``X-Query-Count``).

    .venv/bin/python bench/bench_partnering.py [--requests 200] [--scale 500] [--relationships 5] [--port 8766]
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
    scaled_bench_args,
    seed_and_read,
    serve,
)

MAX_SCALE = 20_000

# Runs in ``manage.py shell``: the ids of K relationships spread over the tenant, and its size.
IDS_SCRIPT = """
import json
from core.models import Tenant
from core.tenancy import tenant_context
from partnering.models import ActionItem, Contact, CustomerAccount, Meeting, Relationship
with tenant_context(Tenant.objects.get(slug={slug!r})):
    ids = [str(pk) for pk in Relationship.objects.order_by("account__name").values_list("pk", flat=True)]
    step = max(1, len(ids) // {count})
    print(json.dumps({{
        "ids": ids[::step][:{count}],
        "accounts": CustomerAccount.objects.count(),
        "contacts": Contact.objects.count(),
        "meetings": Meeting.objects.count(),
        "actions": ActionItem.objects.count(),
    }}))
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    return scaled_bench_args(
        __doc__.splitlines()[0] if __doc__ else None,
        scale_help="Accounts in the bench tenant",
        default_scale=500,
        max_scale=MAX_SCALE,
        default_port=8766,
        argv=argv,
    )


def prepare(args: argparse.Namespace) -> dict:
    data = seed_and_read(args, IDS_SCRIPT, count=args.relationships)
    if not data["ids"]:
        raise BenchError(f"tenant {TENANT} has no relationships; run without --skip-seed")
    return data


def run(args: argparse.Namespace, data: dict) -> list[Result]:
    with serve(args.port) as base_url, requests.Session() as session:
        log_in(session, base_url, EMAIL, args.password)
        relationship_urls = [f"{base_url}/t/{TENANT}/relationships/{pk}/" for pk in data["ids"]]
        name = f"/t/{TENANT}/relationships/<id>/ ({len(relationship_urls)} ids)"
        return [
            measure_rotating(session, name, relationship_urls, args.requests),
            measure(session, f"/t/{TENANT}/accounts/", f"{base_url}/t/{TENANT}/accounts/", args.requests),
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
        f"({data['accounts']} accounts, {data['contacts']} contacts, {data['meetings']} meetings, "
        f"{data['actions']} actions), user {EMAIL}, {WARMUP_REQUESTS} warm-up requests per page, sequential GETs"
    )
    print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
