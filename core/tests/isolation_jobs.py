"""Isolation registry of the job pages and API (merged by tests/test_isolation.py).

The job belongs to customer account X of world A, so the detail routes are account-bound (A's
customer of account Y gets 404, customer X sees it). The cancel routes are POST only: a GET is
answered 405 after the tenant check, so they are checked for other tenants only; who may cancel is
tested in core/tests/test_jobs.py.
"""

from __future__ import annotations

from typing import Any

from core.jobs import job_enqueue


def job_for(world: Any) -> Any:
    """A queued job of account X (enqueue once: every call returns the same job)."""
    with world.context():
        return job_enqueue(kind="test.noop", actor=world.rep, customer_account=world.account_x)


def _pk(world: Any) -> dict[str, str]:
    return {"pk": str(job_for(world).pk)}


def _id(world: Any) -> dict[str, str]:
    return {"id": str(job_for(world).pk)}


OBJECT_ROUTES = {
    "job-detail": (_pk, True),
    "job-progress": (_pk, True),
    "job-cancel": (_pk, False),
    "api-job-detail": (_id, True),
    "api-job-cancel": (_id, False),
}
