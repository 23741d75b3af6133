"""Benchmark that the request path is not slowed by heavy statistics: page p95 while regressions run.

Acceptance: p95 of the tenant home and a project page while two 1M × 100 regressions run on the heavy
worker is at most 1.3× the idle p95.

1. Data base: ``manage.py seed_demo --scale N`` like the other benches (tenant ``benchco``, login
   ``bench@benchco.example``; the database must be migrated: ``scripts/prepare_db.sh``).
2. Data: a ROWS × 101 numeric CSV (y, x1..x100; y = 1 + Σ x_j·j/100 + noise), generated with numpy in chunks
   (written by polars) and cached in ``--data-dir`` (default /tmp/bench-data). A data set is created from it
   on the first bench project with ``datasets.dataset_create`` (Django set up in this process, local settings,
   inside the tenant context) and read ONCE here with ``core.jobs.job_run`` (the worker's own runner); a
   later run reuses that data set while it is ready with the same row count (``--fresh-dataset``: a new one).
3. gunicorn (``common.serve``: 2 workers, DEBUG off) and one heavy Celery worker started as ``make run``
   starts it (``celery -A config worker --loglevel INFO`` + ``config.celery.heavy_worker_args()``, its own
   session). Its concurrency is the setting's (``CELERY_HEAVY_CONCURRENCY``, 1: the second analysis waits
   for the first) unless ``--heavy-concurrency`` says otherwise. The one difference: this run's own queue
   names (``CELERY_HEAVY_QUEUE``/``CELERY_TASK_DEFAULT_QUEUE``), so another heavy worker on the machine
   (a ``make run`` of another checkout on the same Redis) cannot take the jobs.
4. Idle p95: ``--requests`` sequential GETs alternating ``/t/benchco/`` and the project page (signed in,
   after warm-up), the worker up and idle. Then two OLS analyses with all 100 predictors are queued
   (``analyses.analysis_start``) and the same GETs run until both jobs have finished (or ``--cap-seconds``).
   "Under load" are the requests made between the first job's start and the last job's end.
5. If the ratio misses the target (or with ``--nice always``) the same is measured again with the heavy
   worker under ``nice -n 19`` (fresh idle baseline, two new analyses).

    .venv/bin/python bench/bench_stats_requests.py [--requests 200] [--rows 1000000] [--heavy-concurrency 2]

Not part of ``make bench`` (minutes of CPU, a 1 GB file).
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import requests
from bench_stats import count_rows
from common import (
    EMAIL,
    HOST,
    MAX_REQUESTS,
    REPO_ROOT,
    TENANT,
    WARMUP_REQUESTS,
    BenchError,
    log_in,
    seed_and_read,
    serve,
    timed_get,
)

K = 100
X_NAMES = [f"x{j}" for j in range(1, K + 1)]
HEADER = ",".join(["y", *X_NAMES])
GEN_CHUNK = 50_000
DATASET_NAME = "bench-request-path"
TARGET_RATIO = 1.3
ANALYSES = 2
POLL_SECONDS = 1.0
WORKER_READY_S = 90.0
QUEUE_PREFIX = "bench-request-path"

# Runs in ``manage.py shell`` after seeding: the size of the bench tenant.
SIZE_SCRIPT = """
import json
from core.models import Tenant
from core.tenancy import tenant_context
from partnering.models import CustomerAccount
from projects.models import Project
with tenant_context(Tenant.objects.get(slug={slug!r})):
    print(json.dumps({{"accounts": CustomerAccount.objects.count(), "projects": Project.objects.count()}}))
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=200, help="Idle timed requests (default 200).")
    parser.add_argument("--rows", type=int, default=1_000_000, help="Rows of the data set (default 1,000,000).")
    parser.add_argument("--scale", type=int, default=200, help="seed_demo --scale (default 200).")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/bench-data"), help="CSV cache directory.")
    parser.add_argument("--port", type=int, default=8769, help="Loopback port for gunicorn (default 8769).")
    parser.add_argument("--password", default="partnering-demo", help="Demo password (seed_demo's default).")
    parser.add_argument("--skip-seed", action="store_true", help="Use the database as it is (already seeded).")
    parser.add_argument("--fresh-dataset", action="store_true", help="Create and read a new data set.")
    parser.add_argument(
        "--heavy-concurrency",
        type=int,
        default=None,
        help="Pool children of the heavy worker (default: CELERY_HEAVY_CONCURRENCY, what make run uses).",
    )
    parser.add_argument(
        "--nice",
        choices=["auto", "never", "always"],
        default="auto",
        help="Also measure with the heavy worker under nice -n 19: if the ratio fails (auto), never, always.",
    )
    parser.add_argument("--cap-seconds", type=float, default=1200.0, help="Longest load phase (default 1200 s).")
    args = parser.parse_args(argv)
    if not 1 <= args.requests <= MAX_REQUESTS:
        parser.error(f"--requests must be between 1 and {MAX_REQUESTS}")
    if not 1000 <= args.rows <= 10_000_000:
        parser.error("--rows must be between 1,000 and 10,000,000")
    if args.heavy_concurrency is not None and not 1 <= args.heavy_concurrency <= 8:
        parser.error("--heavy-concurrency must be between 1 and 8")
    if not 1024 <= args.port <= 65535:
        parser.error("--port must be between 1024 and 65535")
    return args


# --- Data --------------------------------------------------------------------------------------


def csv_usable(path: Path, rows: int) -> bool:
    if not path.exists():
        return False
    with path.open("rb") as f:
        if f.readline().rstrip(b"\r\n").decode(errors="replace") != HEADER:
            return False
    return count_rows(path) == rows


def generate_csv(path: Path, rows: int) -> float:
    """y,x1..x100 in chunks of GEN_CHUNK rows (numpy draws, polars formats); returns seconds."""
    import numpy as np
    import polars as pl

    started = time.perf_counter()
    rng = np.random.default_rng(20240701)
    beta = np.arange(1, K + 1) / 100.0
    tmp = path.with_suffix(".part")
    with tmp.open("wb") as f:
        for start in range(0, rows, GEN_CHUNK):
            m = min(GEN_CHUNK, rows - start)
            x = rng.normal(size=(m, K))
            y = 1.0 + x @ beta + rng.normal(scale=0.5, size=m)
            frame = pl.from_numpy(np.column_stack([y, x]), schema=["y", *X_NAMES], orient="row")
            frame.write_csv(f, include_header=start == 0, float_precision=6)
    tmp.replace(path)
    return time.perf_counter() - started


def prepare_csv(data_dir: Path, rows: int) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"ols_{rows}_{K + 1}.csv"
    if csv_usable(path, rows):
        print(f"data: reusing {path} ({path.stat().st_size / 2**20:,.0f} MiB)")
    else:
        print(f"data: generating {path} ({rows:,} × {K + 1}) ...", flush=True)
        seconds = generate_csv(path, rows)
        print(f"data: generated in {seconds:.1f} s ({path.stat().st_size / 2**20:,.0f} MiB)")
    return path


# --- Django in this process ----------------------------------------------------------------------


def django_setup() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    sys.path.insert(0, str(REPO_ROOT))
    os.chdir(REPO_ROOT)  # MEDIA_ROOT and var/ are the checkout's, as for gunicorn and the worker
    import django

    django.setup()


def tenant_ctx() -> Any:
    from core.models import Tenant
    from core.tenancy import tenant_context

    return tenant_context(Tenant.objects.get(slug=TENANT))


@dataclass
class Target:
    project_id: str
    project_title: str
    version_id: str
    ingest_seconds: float | None  # None: reused
    n_rows: int
    n_columns: int


def prepare_dataset(csv: Path, rows: int, fresh: bool) -> Target:
    """The data set on the first bench project, read once here (``job_run``), or the ready one reused."""
    from django.core.files.uploadedfile import UploadedFile

    from core.jobs import job_run
    from core.models import Membership
    from projects.models import Project
    from stats_backoffice import datasets
    from stats_backoffice.models import DataSetVersion, VersionStatus

    with tenant_ctx():
        project = Project.objects.filter(title__startswith="Bench project ").order_by("created_at", "pk").first()
        if project is None:
            raise BenchError(f"tenant {TENANT} has no bench projects; run without --skip-seed")
        reused = (
            DataSetVersion.objects.filter(
                dataset__project=project, dataset__name=DATASET_NAME, status=VersionStatus.READY, n_rows=rows
            )
            .order_by("-created_at")
            .first()
        )
        if reused is not None and not fresh:
            print(f"data set: reusing version {reused.pk} ({reused.n_rows:,} rows, read {reused.ingested_at:%F %T})")
            return Target(str(project.pk), project.title, str(reused.pk), None, rows, int(reused.n_columns or 0))
        actor = Membership.objects.get(user__email=EMAIL)
        with csv.open("rb") as handle:
            uploaded = UploadedFile(handle, name=csv.name, content_type="text/csv", size=csv.stat().st_size)
            version = datasets.dataset_create(
                actor=actor, project=project, uploaded_file=uploaded, name=DATASET_NAME, internal_only=True
            )
        assert version.job is not None
        print(f"data set: version {version.pk} stored; reading it (job_run in this process) ...", flush=True)
        started = time.perf_counter()
        status = job_run(job_id=str(version.job.pk))
        seconds = time.perf_counter() - started
        version.refresh_from_db()
        if status != "succeeded" or not version.is_ready:
            raise BenchError(f"ingest ended {status} ({version.status}): {version.error}")
        print(f"data set: read in {seconds:.1f} s ({version.n_rows:,} rows × {version.n_columns} columns)")
        return Target(str(project.pk), project.title, str(version.pk), seconds, int(version.n_rows or 0), K + 1)


def start_analyses(version_id: str) -> list[str]:
    """Two OLS runs of y on x1..x100 queued on the heavy queue; returns their job ids."""
    from core.models import Membership
    from stats_backoffice.analyses import analysis_start
    from stats_backoffice.models import DataSetVersion

    job_ids = []
    with tenant_ctx():
        actor = Membership.objects.get(user__email=EMAIL)
        version = DataSetVersion.objects.select_related("dataset__project").get(pk=version_id)
        for number in range(1, ANALYSES + 1):
            analysis = analysis_start(
                actor=actor,
                version=version,
                kind="ols",
                params={"y": "y", "x": X_NAMES},
                title=f"Bench request path {number}: y on x1..x{K}",
            )
            assert analysis.job is not None
            job_ids.append(str(analysis.job.pk))
    return job_ids


def jobs_state(job_ids: list[str]) -> list[dict[str, Any]]:
    from core.models import Job

    with tenant_ctx():
        rows: dict[str, dict[str, Any]] = {str(r["id"]): dict(r) for r in Job.objects.filter(pk__in=job_ids).values()}
    return [rows[pk] for pk in job_ids]


def jobs_finished(job_ids: list[str]) -> bool:
    from core.models.jobs import FINISHED_STATUSES

    return all(row["status"] in FINISHED_STATUSES for row in jobs_state(job_ids))


def cancel_unfinished(job_ids: list[str]) -> None:
    from core.jobs import job_cancel
    from core.models import Job, Membership

    with tenant_ctx():
        actor = Membership.objects.get(user__email=EMAIL)
        for job in Job.objects.filter(pk__in=job_ids):
            if not job.is_finished:
                job_cancel(job=job, actor=actor)


def analysis_n(job_ids: list[str]) -> list[Any]:
    from stats_backoffice.models import Analysis

    with tenant_ctx():
        by_job = {str(a.job_id): a for a in Analysis.objects.filter(job_id__in=job_ids)}
    return [(by_job[pk].result or {}).get("n") if pk in by_job else None for pk in job_ids]


# --- The heavy worker ----------------------------------------------------------------------------


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log: IO[bytes]
    command: list[str]
    log_path: Path


def worker_command(concurrency: int | None, niced: bool) -> list[str]:
    """``make run``'s heavy worker (scripts/run.sh), with the concurrency replaced when asked."""
    from config.celery import heavy_worker_args

    options = heavy_worker_args()
    if concurrency is not None:
        options[options.index("--concurrency") + 1] = str(concurrency)
    celery = str(Path(sys.executable).parent / "celery")
    command = [celery, "-A", "config", "worker", "--loglevel", "INFO", *options]
    return ["nice", "-n", "19", *command] if niced else command


def start_worker(concurrency: int | None, niced: bool) -> Worker:
    from django.conf import settings

    from config.celery import app

    command = worker_command(concurrency, niced)
    (REPO_ROOT / "var").mkdir(exist_ok=True)
    log_path = REPO_ROOT / "var" / f"bench-celery-heavy{'-niced' if niced else ''}.log"
    log = log_path.open("wb")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    worker = Worker(process, log, command, log_path)
    deadline = time.monotonic() + WORKER_READY_S
    while True:  # ready when it answers a ping on the heavy queue
        if process.poll() is not None:
            log.close()
            raise BenchError(f"the heavy worker exited with {process.returncode}; see {log_path}")
        try:
            app.send_task("core.ping", queue=settings.CELERY_HEAVY_QUEUE).get(timeout=5)
            return worker
        except Exception as exc:
            if time.monotonic() > deadline:
                stop_worker(worker)
                raise BenchError(f"the heavy worker did not answer a ping within {WORKER_READY_S:.0f}s") from exc


def worker_pids(worker: Worker) -> list[int]:
    """The worker's main process and its pool children (same process group)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == worker.process.pid:
                    pids.append(int(entry.name))
            except (ProcessLookupError, PermissionError):
                continue
    return sorted(pids)


def niceness(pids: list[int]) -> list[int]:
    values = []
    for pid in pids:
        try:
            values.append(os.getpriority(os.PRIO_PROCESS, pid))
        except ProcessLookupError:
            continue
    return values


def stop_worker(worker: Worker) -> None:
    if worker.process.poll() is None:
        os.killpg(worker.process.pid, signal.SIGTERM)
        try:
            worker.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.process.pid, signal.SIGKILL)
            worker.process.wait(timeout=10)
    worker.log.close()


# --- Measuring -----------------------------------------------------------------------------------


@dataclass
class Sample:
    start: float  # wall clock (time.time), comparable with the jobs' timestamps
    end: float
    ms: float
    queries: int


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]  # nearest rank, as common.Result


def one_get(session: requests.Session, url: str) -> Sample:
    start = time.time()
    ms, queries = timed_get(session, url)
    return Sample(start, time.time(), ms, queries)


def measure_idle(session: requests.Session, urls: list[str], count: int) -> list[Sample]:
    for index in range(WARMUP_REQUESTS * len(urls)):
        timed_get(session, urls[index % len(urls)])
    return [one_get(session, urls[index % len(urls)]) for index in range(count)]


@dataclass
class LoadRun:
    samples: list[Sample]
    jobs: list[dict[str, Any]]
    n: list[Any]
    capped: bool
    window: tuple[float, float] | None = None  # first job start .. last job end
    during: list[Sample] = field(default_factory=list)


def measure_under_load(session: requests.Session, urls: list[str], version_id: str, cap_s: float) -> LoadRun:
    job_ids = start_analyses(version_id)
    samples: list[Sample] = []
    began = time.monotonic()
    next_poll = began + POLL_SECONDS
    capped = False
    index = 0
    try:
        while True:
            samples.append(one_get(session, urls[index % len(urls)]))
            index += 1
            now = time.monotonic()
            if now >= next_poll:  # a DB read between requests, outside the timed GETs
                if jobs_finished(job_ids):
                    break
                next_poll = now + POLL_SECONDS
            if now - began > cap_s:
                capped = True
                break
    finally:  # never leave work queued for the next worker (nor running past the cap)
        cancel_unfinished(job_ids)
    jobs = jobs_state(job_ids)
    run = LoadRun(samples=samples, jobs=jobs, n=analysis_n(job_ids), capped=capped)
    starts = [j["started_at"].timestamp() for j in jobs if j["started_at"]]
    ends = [j["finished_at"].timestamp() for j in jobs if j["finished_at"]]
    if starts and ends:
        run.window = (min(starts), max(ends))
        run.during = [s for s in samples if s.start >= run.window[0] and s.end <= run.window[1]]
    return run


@dataclass
class Phase:
    label: str
    idle: list[Sample]
    load: LoadRun
    worker_command: list[str]
    worker_nice: list[int]
    loadavg: tuple[float, float, float]


def run_phase(
    label: str, session: requests.Session, urls: list[str], args: argparse.Namespace, target: Target, niced: bool
) -> Phase:
    print(f"[{label}] starting the heavy worker ...", flush=True)
    worker = start_worker(args.heavy_concurrency, niced)
    try:
        nice_values = niceness(worker_pids(worker))
        print(f"[{label}] measuring idle p95 ({args.requests} requests) ...", flush=True)
        idle = measure_idle(session, urls, args.requests)
        print(f"[{label}] queuing {ANALYSES} OLS analyses, measuring until both have finished ...", flush=True)
        load = measure_under_load(session, urls, target.version_id, args.cap_seconds)
    finally:
        stop_worker(worker)
    return Phase(label, idle, load, worker.command, nice_values, os.getloadavg())


# --- Report --------------------------------------------------------------------------------------


def fmt_ts(value: Any) -> str:
    return value.astimezone().strftime("%H:%M:%S.%f")[:-3] if value else "-"


def overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def report_phase(phase: Phase) -> bool | None:
    """Print a phase; returns whether it passes (None when nothing ran under load)."""
    load = phase.load
    idle_ms = [s.ms for s in phase.idle]
    print(f"\n== {phase.label} ==")
    print(f"heavy worker: {' '.join(phase.worker_command)}")
    print(f"heavy worker processes' niceness: {phase.worker_nice}; load average at the end {phase.loadavg}")
    idle_p95 = p95(idle_ms)
    print(
        f"idle:        {len(idle_ms):5d} requests  median {statistics.median(idle_ms):7.1f} ms  "
        f"p95 {idle_p95:7.1f} ms  max {max(idle_ms):7.1f} ms"
    )
    all_ms = [s.ms for s in load.samples]
    measuring = (load.samples[0].start, load.samples[-1].end)
    print(
        f"load phase:  {len(all_ms):5d} requests  median {statistics.median(all_ms):7.1f} ms  "
        f"p95 {p95(all_ms):7.1f} ms  max {max(all_ms):7.1f} ms  "
        f"({measuring[1] - measuring[0]:.1f} s of measuring{', CAPPED' if load.capped else ''})"
    )
    for number, (job, n) in enumerate(zip(load.jobs, load.n, strict=True), start=1):
        run_s = (job["finished_at"] - job["started_at"]).total_seconds() if job["finished_at"] else None
        wait_s = (job["started_at"] - job["created_at"]).total_seconds() if job["started_at"] else None
        span = (job["started_at"].timestamp(), job["finished_at"].timestamp()) if run_s is not None else None
        print(
            f"analysis {number}: {job['status']:<9} queued {fmt_ts(job['created_at'])} "
            f"started {fmt_ts(job['started_at'])} (waited {wait_s if wait_s is None else round(wait_s, 1)} s) "
            f"finished {fmt_ts(job['finished_at'])}  run {run_s if run_s is None else round(run_s, 1)} s  "
            f"n={n}  overlap with measuring {overlap(span, measuring) if span else 0.0:.1f} s"
            + (f"  error: {job['error']}" if job["error"] else "")
        )
    spans = [
        (j["started_at"].timestamp(), j["finished_at"].timestamp()) for j in load.jobs if j["finished_at"] is not None
    ]
    if len(spans) == 2:
        print(f"the two analyses ran at the same time for {overlap(spans[0], spans[1]):.1f} s")
    if load.window is None or not load.during:
        print("no request fell entirely inside the analyses' run: no verdict")
        return None
    window = load.window
    covered = overlap(window, measuring) / (window[1] - window[0]) if window[1] > window[0] else 0.0
    during_ms = [s.ms for s in load.during]
    load_p95 = p95(during_ms)
    ratio = load_p95 / idle_p95
    ok = ratio <= TARGET_RATIO and all(j["status"] == "succeeded" for j in load.jobs)
    print(
        f"under load:  {len(during_ms):5d} requests  median {statistics.median(during_ms):7.1f} ms  "
        f"p95 {load_p95:7.1f} ms  max {max(during_ms):7.1f} ms  "
        f"(inside {window[1] - window[0]:.1f} s from the first start to the last end; "
        f"measuring covered {covered:.0%} of it)"
    )
    queries = [s.queries for s in phase.idle + load.samples]
    print(f"SQL queries per request: {min(queries)}..{max(queries)}")
    verdict = "PASS" if ok else "FAIL"
    print(
        f"{verdict}: p95 under load / idle p95 = {load_p95:.1f} / {idle_p95:.1f} = {ratio:.2f}× "
        f"(target ≤ {TARGET_RATIO}×)"
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Queues of this run only: another worker of the machine on "heavy" (a `make run`) must not take these jobs.
    os.environ["CELERY_HEAVY_QUEUE"] = f"{QUEUE_PREFIX}-{os.getpid()}-heavy"
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = f"{QUEUE_PREFIX}-{os.getpid()}"
    try:
        size = seed_and_read(args, SIZE_SCRIPT)
        csv = prepare_csv(args.data_dir, args.rows)
        django_setup()
        from django.conf import settings

        target = prepare_dataset(csv, args.rows, args.fresh_dataset)
        concurrency = args.heavy_concurrency or int(settings.CELERY_HEAVY_CONCURRENCY)
        source = "--heavy-concurrency" if args.heavy_concurrency else "CELERY_HEAVY_CONCURRENCY, as make run"
        print(
            f"cores: {os.cpu_count()} (usable by this process: {len(os.sched_getaffinity(0))}); "
            f"tenant {TENANT} ({size['accounts']} accounts, {size['projects']} projects); "
            f"project page: “{target.project_title}”; data set {target.n_rows:,} × {target.n_columns}; "
            f"STATS_ENGINE={settings.STATS_ENGINE}; heavy worker concurrency {concurrency} ({source})",
            flush=True,
        )
        phases: list[Phase] = []
        results: list[bool | None] = []
        with serve(args.port) as base_url, requests.Session() as session:
            log_in(session, base_url, EMAIL, args.password)
            urls = [f"{base_url}/t/{TENANT}/", f"{base_url}/t/{TENANT}/projects/{target.project_id}/"]
            print(f"pages: {', '.join(u.removeprefix(base_url) for u in urls)} (alternating, sequential GETs)")
            phases.append(run_phase("heavy worker as make run starts it", session, urls, args, target, niced=False))
            results.append(report_phase(phases[-1]))
            if args.nice == "always" or (args.nice == "auto" and results[-1] is not True):
                phases.append(run_phase("heavy worker under nice -n 19", session, urls, args, target, niced=True))
                results.append(report_phase(phases[-1]))
    except (BenchError, requests.RequestException) as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    ingest = "reused" if target.ingest_seconds is None else f"{target.ingest_seconds:.1f} s"
    print(
        f"\ngunicorn 2 workers on {HOST}:{args.port}, DEBUG off, user {EMAIL}, {WARMUP_REQUESTS} warm-up requests "
        f"per page; {os.cpu_count()} cores; ingest {ingest}"
    )
    for phase, ok in zip(phases, results, strict=True):
        print(f"  {phase.label}: {'PASS' if ok else 'FAIL' if ok is False else 'no verdict'}")
    return 0 if results[0] else 1


if __name__ == "__main__":
    sys.exit(main())
