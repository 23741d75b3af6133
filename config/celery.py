"""The Celery application. Settings come from Django settings with the ``CELERY_`` prefix.

Two workers consume it: one on the ``default`` queue (e-mail, reminders, the job sweeper; with
beat in `make run`) and one on the ``heavy`` queue (long jobs, see core/jobs.py), started with
``heavy_worker_args()`` so `make run` and docker-compose take its limits from the same settings.
"""

import os

from celery import Celery

from .limits import fit_to_address_space

fit_to_address_space()  # before anything imports numpy / polars / pyarrow (a no-op without RLIMIT_AS)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("partnering")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def heavy_worker_args() -> list[str]:
    """Command-line options of the heavy worker, from the ``CELERY_HEAVY_*`` settings.

    One pool child at a time by default (long work is memory-hungry); a child that grew past the
    memory cap or ran its share of tasks is replaced after its current task, never in the middle.

        celery -A config worker $(python -c 'from config.celery import heavy_worker_args as a; print(*a())')
    """
    from django.conf import settings

    return [
        "-Q",
        settings.CELERY_HEAVY_QUEUE,
        "-n",
        "heavy@%h",
        "--concurrency",
        str(settings.CELERY_HEAVY_CONCURRENCY),
        "--max-memory-per-child",
        str(settings.CELERY_HEAVY_WORKER_MAX_MEMORY_PER_CHILD),
        "--max-tasks-per-child",
        str(settings.CELERY_HEAVY_WORKER_MAX_TASKS_PER_CHILD),
        "--time-limit",
        str(settings.CELERY_HEAVY_TIME_LIMIT),
        "--soft-time-limit",
        str(settings.CELERY_HEAVY_SOFT_TIME_LIMIT),
    ]
