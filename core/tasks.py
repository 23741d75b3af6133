"""Tenant-aware Celery tasks.

A tenant task takes the tenant id as its first argument. That id is always derived by the server
(``request.tenant.pk`` in a view or service), never taken from user input. The worker loads the
tenant, enters ``tenant_context`` (Python filter + ``app.tenant_id`` for Row-Level Security), runs
the body and clears the context, also when the body raises. Enqueue with
``enqueue_on_commit`` so a rolled-back transaction never sends the task.

Long work runs as a job (``core.jobs``): ``run_job`` is its one runner, sent per job to the queue
of the job's kind, and ``sweep_jobs`` (beat, every minute) ends jobs whose worker died.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.db import transaction

from core.jobs import job_run, job_sweep
from core.models import Tenant
from core.tenancy import tenant_context


def tenant_task(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """Declare a Celery task whose body runs inside the tenant given by its first argument."""

    def decorator(fn: Callable[..., Any]) -> Any:
        @functools.wraps(fn)
        def run(tenant_id: str, *args: Any, **kwargs: Any) -> Any:
            tenant = Tenant.objects.get(pk=tenant_id)
            with tenant_context(tenant):
                return fn(tenant, *args, **kwargs)

        options.setdefault("name", f"{fn.__module__}.{fn.__name__}")
        return shared_task(**options)(run)

    return decorator


def enqueue_on_commit(task: Any, tenant: Tenant, *args: Any, **kwargs: Any) -> str:
    """Send ``task`` for ``tenant`` once the current transaction commits; returns the task id."""
    task_id = str(uuid.uuid4())
    transaction.on_commit(lambda: task.apply_async(args=[str(tenant.pk), *args], kwargs=kwargs, task_id=task_id))
    return task_id


@shared_task(name="core.ping")
def ping() -> str:
    """Health check: a worker that answers consumes this queue (used by tests and ops)."""
    return "pong"


@tenant_task(name="core.run_job")
def run_job(_tenant: Tenant, job_id: str) -> str:
    """Run any job (``core.jobs.job_run``): the message carries only the job's id; returns its end status.

    Not retried by Celery: a failure is recorded on the job for people. A redelivery after a lost
    worker is judged by the runner against the row (run again, or give up after JOB_MAX_ATTEMPTS).
    """
    return job_run(job_id=job_id)


@shared_task(name="core.sweep_jobs")
def sweep_jobs() -> int:
    """Every minute (beat): in every tenant, end the jobs whose worker is gone. Returns how many.

    Runs inside each tenant in turn: with Row-Level Security a job row is visible only there.
    """
    swept = 0
    for tenant in Tenant.objects.order_by("pk"):
        with tenant_context(tenant):
            swept += job_sweep()
    return swept
