"""Job handlers of core/tests/test_jobs.py. The test settings list this module in
``JOB_EXTRA_HANDLER_MODULES``, so the test process and every worker the tests start know them;
production never imports it.

A *gate* is a Redis key the test sets to let a waiting handler carry on: the test can look at a
job mid-run (progress, heartbeat, a kill) at a moment it chooses instead of racing the worker.
"""

from __future__ import annotations

import time
from typing import Any

import redis
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from core.jobs import JobContext, job_handler

GATE_PREFIX = "partnering-test:job-gate:"
GATE_TIMEOUT_SECONDS = 20


def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


def open_gate(token: str) -> None:
    _redis().set(f"{GATE_PREFIX}{token}", "1", ex=300)


def wait_for_gate(job: JobContext, token: str) -> None:
    """Wait until the test opens the gate, checking for a cancel request meanwhile."""
    client = _redis()
    deadline = time.monotonic() + GATE_TIMEOUT_SECONDS
    while not client.exists(f"{GATE_PREFIX}{token}"):
        job.check_cancelled()
        if time.monotonic() > deadline:
            raise TimeoutError("the test never opened the gate")
        time.sleep(0.02)


@job_handler("test.steps", queue="heavy", label="Test: three steps")
def steps(job: JobContext, *, token: str, ids: list[str]) -> dict[str, Any]:
    """Stage two waits at the gate inside a transaction: its progress must be visible anyway."""
    job.progress(10, "stage one")
    with transaction.atomic():
        job.progress(50, "stage two")
        wait_for_gate(job, token)
    job.progress(90, "stage three")
    return {"ids": ids}


@job_handler("test.fail", queue="default")
def fail(job: JobContext, *, message: str, validation: bool = False) -> None:
    job.progress(20, "about to fail")
    if validation:
        raise ValidationError(message)
    raise ValueError(message)


@job_handler("test.noop", queue="default")
def noop(job: JobContext) -> None:
    job.progress(100)


@job_handler("test.killable", queue="killable")
def killable(job: JobContext, *, token: str) -> dict[str, int]:
    """Each attempt waits at a gate of its own (``<token>:<attempt>``), so a test can kill one."""
    attempt = job.job.attempts
    job.progress(50, f"attempt {attempt}")
    wait_for_gate(job, f"{token}:{attempt}")
    return {"attempt": attempt}


@job_handler("test.overrun", queue="killable", time_limit=1)
def overrun(job: JobContext) -> None:
    """Runs past its one-second limit (the prefork pool enforces soft limits; solo does not)."""
    job.progress(10, "working slowly")
    deadline = time.monotonic() + GATE_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.05)
