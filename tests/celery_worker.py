"""Real Celery worker processes for integration tests.

Workers inherit this process's environment (settings module, xdist worker id, run id), so they use
the same test database and this run's own queues.

* ``celery_worker`` (session): the solo pool on the run's default *and* heavy queue. Tasks run one
  at a time in the order they were sent, which the tests rely on.
* ``killable_worker`` (per test): the prefork pool with one child on a queue of its own
  (``JOB_EXTRA_QUEUES["killable"]``), for tests that kill the pool child (Celery then redelivers
  the task: ``reject_on_worker_lost``) or the whole worker (SIGKILL of its process group).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _start_worker(queues: list[str], name: str, pool_args: list[str]) -> tuple[subprocess.Popen[bytes], IO[str]]:
    from django.conf import settings

    (ROOT / "var").mkdir(exist_ok=True)
    log = open(ROOT / "var" / f"celery-{name}.log", "w")  # noqa: SIM115 (closed by _stop_worker)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            ",".join(queues),
            *pool_args,
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{name}@%h",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "PARTNERING_TEST_DB": settings.DATABASES["default"]["NAME"],
            "PARTNERING_TEST_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        },
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: teardown (or a test) can kill all of it
    )
    return process, log


def _wait_until_consuming(process: subprocess.Popen[bytes], queues: list[str], name: str) -> None:
    """Ping the worker on each of its queues until it answers (60 s at most)."""
    from config.celery import app

    deadline = time.monotonic() + 60
    for queue in queues:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"Celery worker exited with {process.returncode}; see var/celery-{name}.log")
            try:
                app.send_task("core.ping", queue=queue).get(timeout=5)
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise


def _stop_worker(process: subprocess.Popen[bytes], log: IO[str], *, grace: float = 20) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def celery_worker(django_db_setup: object, django_db_blocker: object) -> Iterator[str]:
    """Start ``celery worker`` (solo pool) on this run's default and heavy queues; yields the default
    queue's name."""
    del django_db_setup  # requested only so that the worker's database exists first
    from django.conf import settings

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    queues = [queue, settings.CELERY_HEAVY_QUEUE]
    process, log = _start_worker(queues, queue, ["--pool", "solo"])
    try:
        with django_db_blocker.unblock():  # type: ignore[attr-defined]
            _wait_until_consuming(process, queues, queue)
        yield queue
    finally:
        _stop_worker(process, log)


@dataclass
class KillableWorker:
    """A prefork worker with one pool child; ``process.pid`` leads its process group."""

    queue: str
    process: subprocess.Popen[bytes]

    def kill_child(self, pid: int) -> None:
        """SIGKILL one pool child (the parent notices, requeues the task and forks a new child)."""
        assert pid != self.process.pid, "that is the worker's main process, not a pool child"
        os.kill(pid, signal.SIGKILL)

    def kill_all(self) -> None:
        """SIGKILL the whole worker (main process and children): nothing of Celery survives."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def killable_worker(django_db_setup: object, django_db_blocker: object) -> Iterator[KillableWorker]:
    """A prefork worker (``--concurrency 1``) on the run's killable queue, stopped after the test."""
    del django_db_setup  # requested only so that the worker's database exists first
    from django.conf import settings

    queue = settings.JOB_EXTRA_QUEUES["killable"]
    process, log = _start_worker([queue], queue, ["--pool", "prefork", "--concurrency", "1"])
    try:
        with django_db_blocker.unblock():  # type: ignore[attr-defined]
            _wait_until_consuming(process, [queue], queue)
        yield KillableWorker(queue=queue, process=process)
    finally:
        _stop_worker(process, log, grace=10)
