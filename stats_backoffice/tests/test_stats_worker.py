"""Reliability of the back office's jobs in real Celery workers (never mocked): kill -9, cancel, the
soft time limit and a real Dask cluster.

How these tests run the work:

* **Their own workers.** Each test starts a prefork worker with one pool child (the one the jobs'
  kill tests use, ``tests/celery_worker.py``) through ``_start_worker``, with the environment the
  test needs (``STATS_BLOCK_ROWS=5000`` so the engine goes through many blocks, a tiny
  ``STATS_JOB_TIME_LIMIT``, ``DASK_SCHEDULER_ADDRESS``): a worker reads its settings from its
  environment at start, so the session's ``celery_worker`` cannot be reconfigured.
* **Their own queue.** While a test runs, the test process's registrations of ``stats.ingest`` and
  ``stats.analysis`` name the queue ``killable`` (``JOB_EXTRA_QUEUES``) instead of ``heavy``, so the
  session's ``celery_worker`` (which consumes ``heavy`` and may be alive in the same run) never
  takes these jobs. The queue is chosen where the job is enqueued; the worker runs whatever it is
  handed with its own registration (``_HANDLERS`` restored after the test).
* **The same files.** ``version_for`` reads the data set in this process under the factories'
  temporary ``MEDIA_ROOT``; a worker gets that folder through ``PARTNERING_TEST_MEDIA_ROOT``
  (config/settings/test.py). Workers start after the ingest, so the ingest's own message (sent on
  commit) reaches a worker only once the job has finished, and is skipped.
* **Generated data.** 200,000 rows of ten normal predictors and ``y = X·(1..10) + noise``, written
  with numpy to ``tmp_path``: with 5,000-row blocks an OLS fit takes several seconds in a worker,
  long enough to kill or cancel it mid-run.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.conf import settings
from django.test import override_settings

from core import jobs
from core.jobs import job_sweep
from core.models import Job, JobStatus
from core.tests.test_jobs import finished, integration, pid_of, reload, wait_for, when
from stats_backoffice import files
from stats_backoffice.analyses import ANALYSIS_KIND, analysis_cancel
from stats_backoffice.datasets import INGEST_KIND
from stats_backoffice.models import Analysis, DataSetVersion
from stats_backoffice.tests.factories import analysis_for, temporary_media, version_for
from tests.celery_worker import ROOT, KillableWorker, _start_worker, _stop_worker, _wait_until_consuming

BIG_ROWS, PREDICTORS, BLOCK_ROWS = 200_000, 10, 5000
TRUE_BETA = np.arange(1.0, PREDICTORS + 1)
OLS_PARAMS = {"y": "y", "x": [f"x{i}" for i in range(1, PREDICTORS + 1)]}
FINAL = {JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED}
DASK = ROOT / ".venv" / "bin" / "dask"


# --- Data, queue and workers --------------------------------------------------------------------


def write_csv(path: Path, rows: int, seed: int = 7) -> bytes:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, PREDICTORS))
    y = x @ TRUE_BETA + rng.normal(size=rows)
    header = ",".join(["y", *OLS_PARAMS["x"]])
    np.savetxt(path, np.column_stack([y, x]), delimiter=",", fmt="%.6f", header=header, comments="")
    return path.read_bytes()


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return write_csv(tmp_path_factory.mktemp("stats-worker") / "big.csv", BIG_ROWS)


@pytest.fixture
def stats_queue() -> Iterator[str]:
    """Route both back-office kinds to the killable queue, in this process, for the test's length."""
    handlers = jobs.job_handlers_load()
    saved = {kind: handlers[kind] for kind in (INGEST_KIND, ANALYSIS_KIND)}
    for kind, handler in saved.items():
        handlers[kind] = dataclasses.replace(handler, queue="killable")
    try:
        yield settings.JOB_EXTRA_QUEUES["killable"]
    finally:
        handlers.update(saved)


@contextmanager
def stats_worker(name: str, **env: str) -> Iterator[KillableWorker]:
    """A prefork worker (one child) on the killable queue, started with ``env`` on top of ours."""
    temporary_media()  # the folder the factories write to, now fixed for this process
    queue = settings.JOB_EXTRA_QUEUES["killable"]
    env = {"PARTNERING_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT), **env}
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        process, log = _start_worker([queue], f"{queue}-{name}", ["--pool", "prefork", "--concurrency", "1"])
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    try:
        _wait_until_consuming(process, [queue], f"{queue}-{name}")
        yield KillableWorker(queue=queue, process=process)
    finally:
        _stop_worker(process, log, grace=10)


def big_version(world: Any, content: bytes) -> DataSetVersion:
    version = version_for(world, content=content, name="big.csv")
    assert (version.status, version.n_rows) == ("ready", BIG_ROWS), version.error
    return version


def start_ols(world: Any, version: DataSetVersion) -> tuple[Analysis, Job]:
    analysis = analysis_for(world, version, "ols", OLS_PARAMS, run=False)
    assert analysis.job is not None and analysis.job.queue == settings.JOB_EXTRA_QUEUES["killable"]
    return analysis, analysis.job


def fitting(world: Any, job: Job, attempt: int = 1) -> Job:
    """Wait until ``attempt`` is inside the engine's QR pass (progress > 0): well into the run."""
    return when(
        world,
        job,
        lambda j: j.status == JobStatus.RUNNING and j.attempts == attempt and j.progress > 0 and "QR" in j.stage,
        what=f"attempt {attempt} to be fitting",
        timeout=60,
    )


def analysis_row(world: Any, analysis: Analysis) -> Analysis:
    with world.context():
        return Analysis.objects.select_related("job").get(pk=analysis.pk)


def final_states(world: Any, job: Job) -> list[str]:
    """The finished statuses in the job's history (pghistory keeps the life cycle)."""
    with world.context():
        events = Job.pgh_event_model.objects.filter(pgh_obj_id=job.pk).order_by("pgh_id")
        return [e.status for e in events if e.status in FINAL]


def result_writes(world: Any, analysis: Analysis) -> int:
    """How many times a result was stored on the analysis (each write sets a new ``finished_at``)."""
    with world.context():
        events = Analysis.pgh_event_model.objects.filter(pgh_obj_id=analysis.pk)
        return len({e.finished_at for e in events if e.finished_at is not None})


def coefficients(analysis: Analysis) -> dict[str, float]:
    assert analysis.result is not None
    return {row["term"]: row["estimate"] for row in analysis.result["coefficients"]}


def assert_fit(analysis: Analysis, rows: int) -> None:
    assert analysis.result is not None and analysis.result["n"] == rows
    found = coefficients(analysis)
    assert set(found) == {"const", *OLS_PARAMS["x"]}
    np.testing.assert_allclose([found[name] for name in OLS_PARAMS["x"]], TRUE_BETA, atol=0.02)


# --- 1. kill -9 mid-run -------------------------------------------------------------------------


@integration
def test_a_killed_pool_child_reruns_the_analysis_which_ends_once_with_one_result(world_a, big_csv, stats_queue):
    version = big_version(world_a, big_csv)
    with stats_worker("kill-child", STATS_BLOCK_ROWS=str(BLOCK_ROWS)) as worker:
        analysis, job = start_ols(world_a, version)
        first = fitting(world_a, job)
        worker.kill_child(pid_of(first))  # SIGKILL mid-run: the attempt writes nothing more

        # reject_on_worker_lost: the message comes back, attempt 2 starts the fit from the beginning.
        second = when(world_a, job, lambda j: j.attempts == 2, what="attempt 2", timeout=30)
        assert pid_of(second) != pid_of(first)
        done = finished(world_a, job, timeout=60)

    assert (done.status, done.attempts, done.error, done.progress) == (JobStatus.SUCCEEDED, 2, "", 100)
    assert done.result == {"analysis": str(analysis.pk)}
    assert final_states(world_a, job) == [JobStatus.SUCCEEDED]  # exactly one end, never stuck running
    row = analysis_row(world_a, analysis)
    assert_fit(row, BIG_ROWS)  # the result is set (status succeeded) and is the full fit ...
    assert result_writes(world_a, analysis) == 1  # ... written once, by the attempt that finished
    # The per-row file is written under its fixed name and replaced: the dead attempt leaves no partial.
    with world_a.context(), files.local_path(row.residuals_name) as residuals:
        assert residuals.exists() and not residuals.with_name(residuals.name + ".partial").exists()


@integration
def test_a_killed_worker_leaves_the_analysis_failed_by_the_sweeper_without_a_result(world_a, big_csv, stats_queue):
    version = big_version(world_a, big_csv)
    with stats_worker("kill-all", STATS_BLOCK_ROWS=str(BLOCK_ROWS)) as worker:
        analysis, job = start_ols(world_a, version)
        running = fitting(world_a, job)
        worker.kill_all()  # SIGKILL of the whole process group: no code of ours runs any more

    with world_a.context():
        assert job_sweep() == 0  # the heartbeat is still fresh: not judged yet
        wait_for(job_sweep, what="the sweeper to end the job", timeout=settings.JOB_STALE_AFTER_SECONDS + 15)
    done = reload(world_a, job)
    assert (done.status, done.attempts) == (JobStatus.FAILED, 1)
    assert done.error.startswith("The worker stopped while running this job (no sign of life since ")
    assert running.heartbeat_at <= done.finished_at
    assert final_states(world_a, job) == [JobStatus.FAILED]
    row = analysis_row(world_a, analysis)
    assert (row.status, row.result, row.finished_at) == (JobStatus.FAILED, None, None)  # no result without success
    assert result_writes(world_a, analysis) == 0


# --- 2. cancel ----------------------------------------------------------------------------------


@integration
def test_cancelling_a_running_analysis_ends_it_cancelled_within_five_seconds(world_a, big_csv, stats_queue):
    version = big_version(world_a, big_csv)
    with stats_worker("cancel", STATS_BLOCK_ROWS=str(BLOCK_ROWS)) as worker:
        analysis, job = start_ols(world_a, version)
        fitting(world_a, job)  # inside the longest pass of the fit
        with world_a.context():
            asked_at = time.monotonic()
            asked = analysis_cancel(actor=world_a.rep, analysis=analysis)
            assert asked.job is not None and asked.job.cancel_requested_at is not None

        done = when(world_a, job, lambda j: j.is_finished, what="the job to stop", timeout=5)
        latency = time.monotonic() - asked_at
        print(f"cancel latency: {latency:.2f} s")
        assert done.status == JobStatus.CANCELLED and latency < 5
        assert (done.stage, done.error, done.attempts) == ("Cancelled", "", 1)
        assert worker.process.poll() is None  # a cancel never kills the worker

    row = analysis_row(world_a, analysis)
    assert (row.result, row.finished_at, row.residuals_name) == (None, None, "")
    assert final_states(world_a, job) == [JobStatus.CANCELLED]


# --- 3. soft time limit -------------------------------------------------------------------------


@integration
def test_an_analysis_past_its_time_limit_fails_and_says_so(world_a, big_csv, stats_queue):
    """The analysis handler's limit is ``settings.STATS_JOB_TIME_LIMIT``, read when stats_backoffice/jobs.py
    is imported, and it counts on both sides: the enqueue sends the soft limit of *this* process's
    registration with the message (``core.jobs._send``), the prefork child enforces it, and the worker's
    own registration words the message. So the worker starts with ``STATS_JOB_TIME_LIMIT=1`` (it imports
    the handlers afresh), and in this process, where the module was imported long ago, the registration
    is replaced by ``dataclasses.replace(handler, time_limit=1)`` for the test's length (``stats_queue``
    restores it), the very value a fresh import with that setting would register.
    """
    handlers = jobs.job_handlers_load()
    handlers[ANALYSIS_KIND] = dataclasses.replace(handlers[ANALYSIS_KIND], time_limit=1)
    assert jobs.job_handler_get(ANALYSIS_KIND).soft_time_limit == 1
    version = big_version(world_a, big_csv)
    with (
        override_settings(STATS_JOB_TIME_LIMIT=1),
        stats_worker("time-limit", STATS_JOB_TIME_LIMIT="1", STATS_BLOCK_ROWS=str(BLOCK_ROWS)),
    ):
        analysis, job = start_ols(world_a, version)
        done = finished(world_a, job, timeout=30)

    assert (done.status, done.error) == (JobStatus.FAILED, "Stopped: the job ran past its time limit of 1 second.")
    assert done.started_at is not None and done.attempts == 1
    assert (done.finished_at - done.started_at).total_seconds() < 10  # stopped, not run to the end
    row = analysis_row(world_a, analysis)
    assert (row.result, row.finished_at) == (None, None)


# --- 4. a Dask cluster --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def dask_cluster(logs: Path) -> Iterator[str]:
    """A real ``dask scheduler`` and one ``dask worker`` (one thread) on loopback; yields the address."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # the worker unpickles the engine's block tasks
    env.pop("DASK_SCHEDULER_ADDRESS", None)
    commands = {
        "scheduler": [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        "worker": [str(DASK), "worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"],
    }
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for name, command in commands.items():
            with (logs / f"dask-{name}.log").open("wb") as log:
                processes.append(
                    subprocess.Popen(
                        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                    )
                )
            if name == "scheduler":
                wait_for(lambda: _accepts(port), what="the Dask scheduler's port", timeout=30)
        yield address
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


@integration
def test_an_analysis_on_a_dask_cluster_gives_the_same_coefficients(world_a, tmp_path, stats_queue, monkeypatch):
    from distributed import Client

    rows = 20_000
    version = version_for(world_a, content=write_csv(tmp_path / "cluster.csv", rows, seed=11), name="cluster.csv")
    # In this process first, with the threaded scheduler (no address) and the worker's blocks.
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    with override_settings(STATS_BLOCK_ROWS=BLOCK_ROWS):
        local = analysis_for(world_a, version, "ols", OLS_PARAMS, run=True)
    assert local.job is not None and reload(world_a, local.job).status == JobStatus.SUCCEEDED
    assert (
        local.result is not None and local.result["engine"] == "dask" and local.result["blocks"] == rows // BLOCK_ROWS
    )

    with dask_cluster(tmp_path) as address, Client(address, timeout=30, set_as_default=False) as client:
        client.wait_for_workers(1, timeout=30)
        before = client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.transition_counter)
        with stats_worker("dask", DASK_SCHEDULER_ADDRESS=address, STATS_BLOCK_ROWS=str(BLOCK_ROWS)):
            remote, job = start_ols(world_a, version)
            done = finished(world_a, job, timeout=60)
        assert (done.status, done.error) == (JobStatus.SUCCEEDED, "")
        # Proof that the blocks ran on the cluster: its scheduler moved tasks, the engine's among them.
        after = client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.transition_counter)
        prefixes = client.run_on_scheduler(lambda dask_scheduler: sorted(dask_scheduler.task_prefixes))
    assert after > before
    # Dask names a task by its function: the engine's per-block map (executors._apply) and QR combine.
    assert {"apply", "stack_r"} <= set(prefixes)

    remote = analysis_row(world_a, remote)
    assert remote.result is not None and remote.result["blocks"] == rows // BLOCK_ROWS
    assert_fit(remote, rows)
    here, there = coefficients(local), coefficients(remote)
    assert set(here) == set(there)
    np.testing.assert_allclose([there[t] for t in here], [here[t] for t in here], rtol=1e-10, atol=0)
