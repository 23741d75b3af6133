"""A real Celery worker process for integration tests.

The worker inherits this process's environment (settings module, xdist worker id, run id), so it
uses the same test database and its own queue. It runs with the solo pool: tasks run one at a time
in the order they were sent, which the tests rely on.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def celery_worker(django_db_setup: object, django_db_blocker: object) -> Iterator[str]:
    """Start ``celery worker`` on this run's queue; yields the queue name."""
    from django.conf import settings

    from config.celery import app

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    (ROOT / "var").mkdir(exist_ok=True)
    log = open(ROOT / "var" / f"celery-{queue}.log", "w")  # noqa: SIM115 (closed in finally)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "PARTNERING_TEST_DB": settings.DATABASES["default"]["NAME"],
            "PARTNERING_TEST_QUEUE": queue,
        },
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        with django_db_blocker.unblock():  # type: ignore[attr-defined]
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"Celery worker exited with {process.returncode}; see var/celery-{queue}.log")
                try:
                    app.send_task("core.ping", queue=queue).get(timeout=5)
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
        yield queue
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        log.close()
