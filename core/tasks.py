"""Tenant-aware Celery tasks.

A tenant task takes the tenant id as its first argument. That id is always derived by the server
(``request.tenant.pk`` in a view or service), never taken from user input. The worker loads the
tenant, enters ``tenant_context`` (Python filter + ``app.tenant_id`` for Row-Level Security), runs
the body and clears the context, also when the body raises. Enqueue with
``enqueue_on_commit`` so a rolled-back transaction never sends the task.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.db import connections, transaction

from core.models import Tenant
from core.tenancy import current_tenant_id, tenant_context


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


@tenant_task()
def tenant_probe(tenant: Tenant) -> dict[str, Any]:
    """Report what a worker can see inside a tenant: proves the context is set in the worker.

    Counts come from raw SQL, so they show what Row-Level Security lets through, not the ORM filter.
    """
    from partnering.models import CustomerAccount

    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT current_setting('app.tenant_id', true)")
        db_tenant = cursor.fetchone()[0]
        cursor.execute(f"SELECT count(*), array_agg(DISTINCT tenant_id::text) FROM {CustomerAccount._meta.db_table}")
        raw_count, tenants_seen = cursor.fetchone()
    return {
        "tenant_id": str(current_tenant_id()),
        "db_tenant_setting": db_tenant,
        "customer_accounts_raw": raw_count,
        "customer_accounts_orm": CustomerAccount.objects.count(),
        "tenant_ids_seen": sorted(tenants_seen or []),
    }


@shared_task(name="core.ping")
def ping() -> str:
    """Health check: a worker that answers consumes this queue (used by tests and ops)."""
    return "pong"
