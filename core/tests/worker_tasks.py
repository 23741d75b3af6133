"""Tasks that only the tests send to a real worker. ``config/settings/test.py`` lists this module in
``CELERY_IMPORTS``, so every worker the tests start registers them; production never imports it."""

from __future__ import annotations

from typing import Any

from django.db import connections

from core.models import Tenant
from core.tasks import tenant_task
from core.tenancy import current_tenant_id
from partnering.models import CustomerAccount


@tenant_task()
def tenant_probe(tenant: Tenant) -> dict[str, Any]:
    """Report what a worker can see inside a tenant: proves the context is set in the worker.

    Counts come from raw SQL, so they show what Row-Level Security lets through, not the ORM filter.
    """
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
