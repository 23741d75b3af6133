"""Tenant-aware tasks in a real Celery worker process (not eager mode)."""

import pytest
import redis
from django.conf import settings
from django.db import transaction
from django_celery_results.models import TaskResult

from core.tasks import enqueue_on_commit
from core.tests.worker_tasks import tenant_probe
from partnering.models import CustomerAccount

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def run_probe(world) -> dict:
    with transaction.atomic():
        task_id = enqueue_on_commit(tenant_probe, world.tenant)
    return tenant_probe.AsyncResult(task_id).get(timeout=30)


def test_a_task_for_tenant_a_sees_only_a_rows_in_the_worker(celery_worker, world_a, world_b):
    with world_b.context():
        CustomerAccount.objects.create(name="Third account of B")
    result = run_probe(world_a)
    assert result["tenant_id"] == str(world_a.tenant.pk)
    assert result["db_tenant_setting"] == str(world_a.tenant.pk)
    assert result["tenant_ids_seen"] == [str(world_a.tenant.pk)]
    assert result["customer_accounts_raw"] == 2
    assert result["customer_accounts_orm"] == 2
    # Same worker, same persistent connection: the next task of B sees B only.
    result_b = run_probe(world_b)
    assert result_b["tenant_ids_seen"] == [str(world_b.tenant.pk)]
    assert result_b["customer_accounts_raw"] == 3


def test_a_task_enqueued_in_a_rolled_back_transaction_never_runs(celery_worker, world_a):
    class Abort(Exception):
        pass

    rolled_back_id = None
    with pytest.raises(Abort), transaction.atomic():
        rolled_back_id = enqueue_on_commit(tenant_probe, world_a.tenant)
        raise Abort
    # The worker runs tasks in order; once a later task has finished, an earlier one would have too.
    assert run_probe(world_a)["tenant_id"] == str(world_a.tenant.pk)
    assert not TaskResult.objects.filter(task_id=rolled_back_id).exists()
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    assert broker.llen(celery_worker) == 0
