"""Jobs: long work outside the request, with progress people can watch (services and selectors).

Why it is built this way (the whole story, with the queues and workers, is in docs/architecture.md, "Jobs"):

* **The row is the truth.** A ``Job`` row says what is to be done (``kind`` + ``params``), about
  what (subject), how far it got and how it ended. The Celery message carries only the tenant id
  and the job id, so nothing in the broker can drift from what people see, and a redelivered or
  late message can always be judged against the row.
* **One runner, many kinds.** A kind is a plain function registered with ``@job_handler``; the
  task ``core.run_job`` (core/tasks.py) runs any of them. The handler's registration names its
  queue (``heavy`` by default, so long work never delays e-mail) and its time limit; the runner is
  sent to that queue per job. Apps declare handlers in ``<app>/jobs.py``, found by autodiscovery
  in the web process and in the worker alike; ``settings.JOB_EXTRA_HANDLER_MODULES`` adds more
  (the tests use it for theirs).
* **Enqueue once.** Asking twice for the same work (a double click, two people) returns the job
  already queued or running. A transaction-scoped advisory lock on (tenant, kind, subject)
  serialises check-then-insert; a partial unique index is the backstop. The task is sent after
  commit, so a rolled-back request never starts work.
* **Progress and heartbeat on their own connection.** A background thread of the runner writes
  the heartbeat every ``JOB_HEARTBEAT_SECONDS`` and every ``progress()`` call, on its own database
  connection: people see progress at once even while the handler holds a long transaction, and a
  handler that reports rarely is still visibly alive.
* **Cancel is cooperative.** A queued job is cancelled at once (the runner then skips it); a
  running one gets ``cancel_requested_at`` and stops at its next ``check_cancelled()``. Killing a
  worker mid-write is never how a job ends.
* **Nothing stays "running".** The runner records an end state however the handler ends. When
  the process itself dies (SIGKILL, OOM, lost machine) no code of ours runs, so the sweeper
  (``job_sweep``, every minute from beat) fails running jobs without a recent heartbeat.
* **Redelivery runs a job again, a bounded number of times.** With ``acks_late`` and
  ``reject_on_worker_lost`` a killed pool child makes Celery hand the message out again. The runner
  then finds the row "running" from the dead attempt: it starts the job again (``attempts``
  counts) until ``JOB_MAX_ATTEMPTS``, then marks it failed, so a job that kills its worker (say,
  out of memory) cannot loop forever. Handlers are therefore written to be safe to run twice.
  Celery redelivers only after the worker lost the task, or after the broker's visibility timeout,
  which is longer than every time limit, so the earlier attempt is known to be dead. Writes of an
  attempt are guarded by its number, so a zombie attempt can never overwrite a newer one.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import import_module
from typing import Any, TypeVar

import pghistory
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, IntegrityError, connections, transaction
from django.db.models import Model, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from core import tenancy
from core.models import Job, JobStatus, Membership, Role, Tenant
from core.models.jobs import ACTIVE_STATUSES
from core.parsing import parse_uuid
from core.permissions import can
from core.service_helpers import check_same_tenant, require

logger = logging.getLogger(__name__)

#: Longest error text kept on the row; the full traceback is in the worker log.
MAX_ERROR_LENGTH = 2000
#: Seconds the hard time limit lies beyond the soft one: time for the runner to record the end.
HARD_LIMIT_GRACE_SECONDS = 60
#: ``progress()`` writes at most this often unless the stage changes or the job reaches 100 %.
PROGRESS_MIN_INTERVAL_SECONDS = 1.0
#: How long ``progress()`` waits for its write to be confirmed before the handler carries on.
FLUSH_TIMEOUT_SECONDS = 10.0


class JobCancelled(Exception):
    """Raised by ``JobContext.check_cancelled()`` once someone asked to cancel the job."""


class JobFailed(Exception):
    """Raise from a handler to fail the job with exactly this message for people."""


# --- Registry -----------------------------------------------------------------------------------

HandlerFn = Callable[..., dict[str, Any] | None]
F = TypeVar("F", bound=HandlerFn)


@dataclass(frozen=True)
class JobHandler:
    """A registered kind of job: the function, its queue (logical name) and its soft time limit."""

    kind: str
    fn: HandlerFn
    queue: str
    time_limit: int | None
    label: str

    @property
    def queue_name(self) -> str:
        """The broker queue of the logical name (tests rename the queues per run)."""
        queues = {
            "default": settings.CELERY_TASK_DEFAULT_QUEUE,
            "heavy": settings.CELERY_HEAVY_QUEUE,
            **getattr(settings, "JOB_EXTRA_QUEUES", {}),
        }
        if self.queue not in queues:
            raise ImproperlyConfigured(f"Job kind {self.kind!r} names an unknown queue {self.queue!r}.")
        return str(queues[self.queue])

    @property
    def soft_time_limit(self) -> int:
        """Seconds before the handler is interrupted (``SoftTimeLimitExceeded``)."""
        if self.time_limit is not None:
            return self.time_limit
        if self.queue == "heavy":
            return int(settings.CELERY_HEAVY_SOFT_TIME_LIMIT)
        return int(settings.CELERY_TASK_SOFT_TIME_LIMIT)


_HANDLERS: dict[str, JobHandler] = {}
_loaded = False
_load_lock = threading.Lock()


def job_handler(kind: str, *, queue: str = "heavy", time_limit: int | None = None, label: str = "") -> Callable[[F], F]:
    """Register ``fn(job: JobContext, **params) -> dict | None`` as the handler of ``kind``.

    ``time_limit`` (seconds) is the soft limit; the hard limit follows a minute later. Both must
    stay below the broker's visibility timeout, or a running job would be handed out twice.
    """
    if time_limit is not None and time_limit + HARD_LIMIT_GRACE_SECONDS >= settings.CELERY_BROKER_VISIBILITY_TIMEOUT:
        raise ImproperlyConfigured(f"Job kind {kind!r}: time_limit must stay below the broker visibility timeout.")

    def register(fn: F) -> F:
        existing = _HANDLERS.get(kind)
        if existing is not None and existing.fn.__qualname__ != fn.__qualname__:
            raise ImproperlyConfigured(f"Job kind {kind!r} is already handled by {existing.fn.__qualname__}.")
        _HANDLERS[kind] = JobHandler(kind=kind, fn=fn, queue=queue, time_limit=time_limit, label=label or kind)
        return fn

    return register


def job_handlers_load() -> dict[str, JobHandler]:
    """Import every ``<app>/jobs.py`` and ``JOB_EXTRA_HANDLER_MODULES`` once; returns the registry.

    Lazy, so a web process or a worker pays for handler imports (numpy, say) only when it first
    enqueues or runs a job, and both always know the same kinds.
    """
    global _loaded
    with _load_lock:
        if not _loaded:
            autodiscover_modules("jobs")
            for module in getattr(settings, "JOB_EXTRA_HANDLER_MODULES", []):
                import_module(module)
            _loaded = True
    return _HANDLERS


def job_handler_get(kind: str) -> JobHandler:
    """The registration of ``kind``; an unknown kind is a programming error (``KeyError``)."""
    handlers = job_handlers_load()
    if kind not in handlers:
        raise KeyError(f"No job handler for kind {kind!r}; declare one with @core.jobs.job_handler.")
    return handlers[kind]


def job_label(job: Job) -> str:
    """What people call this kind of job (the registration's label, else the kind itself)."""
    handler = job_handlers_load().get(job.kind)
    return handler.label if handler is not None else job.kind


# --- Enqueue ------------------------------------------------------------------------------------


def _subject_key(subject: Model | None) -> tuple[str, uuid.UUID | None]:
    if subject is None:
        return "", None
    if getattr(subject, "tenant_id", None) is not None:
        check_same_tenant(subject, "subject")
    try:
        subject_id = uuid.UUID(str(subject.pk))
    except ValueError:
        raise ValueError("A job's subject needs a UUID primary key.") from None
    return subject._meta.label_lower, subject_id


def _account_id(customer_account: Model | None, actor: Membership | None) -> Any:
    """The account whose participants may see the job: given, else a customer actor's own."""
    if customer_account is not None:
        check_same_tenant(customer_account, "customer_account")
        return customer_account.pk
    if actor is not None and actor.is_customer:
        return actor.customer_account_id
    return None


def _lock_subject(tenant_id: uuid.UUID, kind: str, subject_type: str, subject_id: uuid.UUID | None) -> None:
    """Serialise enqueues of the same work until this transaction ends (a 64-bit key of the work)."""
    text = f"core.job:{tenant_id}:{kind}:{subject_type}:{subject_id or ''}"
    key = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True)
    with connections[tenancy.DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _active_job(kind: str, subject_type: str, subject_id: uuid.UUID | None) -> Job | None:
    active = Job.objects.filter(kind=kind, subject_type=subject_type, subject_id=subject_id, status__in=ACTIVE_STATUSES)
    job: Job | None = active.first()
    return job


def job_enqueue(
    *,
    kind: str,
    subject: Model | None = None,
    actor: Membership | None = None,
    params: dict[str, Any] | None = None,
    customer_account: Model | None = None,
) -> Job:
    """Queue ``kind`` about ``subject`` in the active tenant, once: returns the job already queued
    or running for the same kind and subject if there is one (its params win).

    The caller checks its own permission first (``stats.analysis.run``, say): what may start which
    work belongs to the domain. The task is sent when the transaction commits.
    """
    handler = job_handler_get(kind)
    if params is not None and not isinstance(params, dict):
        raise ValidationError({"params": "Job parameters must be an object of named values."})
    tenant = tenancy.current_tenant()
    check_same_tenant(actor, "actor")
    subject_type, subject_id = _subject_key(subject)
    with transaction.atomic():
        _lock_subject(tenant.pk, kind, subject_type, subject_id)
        existing = _active_job(kind, subject_type, subject_id)
        if existing is not None:
            return existing
        job = Job(
            tenant=tenant,
            kind=kind,
            subject_type=subject_type,
            subject_id=subject_id,
            params=params or {},
            created_by=actor,
            customer_account_id=_account_id(customer_account, actor),
            task_id=str(uuid.uuid4()),
            queue=handler.queue_name,
        )
        job.full_clean(validate_constraints=False)  # the one-active rule is the index's, below
        try:
            with transaction.atomic():
                job.save()
        except IntegrityError:
            existing = _active_job(kind, subject_type, subject_id)  # someone without the lock won
            if existing is None:
                raise
            return existing
        transaction.on_commit(functools.partial(_send, job=job, tenant=tenant, handler=handler))
    return job


def job_enqueue_in_every_tenant(*, kind: str, params: dict[str, Any] | None = None) -> int:
    """One ``kind`` job per tenant (beat's fan-outs: the daily reminder runs). Enqueue once applies
    per tenant, so a run still queued or going is not started twice. Returns the number of tenants."""
    tenants = list(Tenant.objects.order_by("pk"))
    for tenant in tenants:
        with tenancy.tenant_context(tenant):
            job_enqueue(kind=kind, params=params)
    return len(tenants)


def _send(*, job: Job, tenant: Tenant, handler: JobHandler) -> None:
    """Hand the job to its queue. If the broker is unreachable the job fails now, visibly, rather
    than waiting queued for a task that will never come."""
    from core.tasks import run_job

    soft = handler.soft_time_limit
    try:
        run_job.apply_async(
            args=[str(tenant.pk), str(job.pk)],
            task_id=job.task_id,
            queue=job.queue,
            soft_time_limit=soft,
            time_limit=soft + HARD_LIMIT_GRACE_SECONDS,
        )
    except Exception:
        logger.exception("Could not send job %s (%s) to queue %s", job.pk, job.kind, job.queue)
        with tenancy.tenant_context(tenant):
            Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
                status=JobStatus.FAILED,
                finished_at=timezone.now(),
                error="The job could not be handed to a worker (task queue unreachable). Please try again.",
            )


# --- Runner -------------------------------------------------------------------------------------


class _Heartbeat(threading.Thread):
    """Writes the heartbeat and progress of one attempt on this thread's own database connection.

    Its own connection makes each write visible at once, also while the handler is inside a
    transaction; its own thread keeps beating while the handler computes. Writes match the
    attempt's number, so once the row is no longer this attempt's (swept, say) nothing is written.
    """

    def __init__(self, *, tenant: Tenant, job_id: uuid.UUID, attempt: int) -> None:
        super().__init__(name=f"job-heartbeat-{job_id}", daemon=True)
        self._tenant, self._job_id, self._attempt = tenant, job_id, attempt
        self._interval = float(settings.JOB_HEARTBEAT_SECONDS)
        self._cond = threading.Condition()
        self._pending: dict[str, Any] = {}
        self._requested = self._written = 0
        self._stopping = self._done = False

    def report(self, *, progress: int, stage: str, wait: bool) -> None:
        """Record progress; with ``wait``, write it now and return once it is committed."""
        with self._cond:
            self._pending = {"progress": progress, "stage": stage}
            if not wait:
                return  # the next beat writes it
            self._requested += 1
            target = self._requested
            self._cond.notify_all()
            self._cond.wait_for(lambda: self._written >= target or self._done, timeout=FLUSH_TIMEOUT_SECONDS)

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self.join(timeout=FLUSH_TIMEOUT_SECONDS)

    def run(self) -> None:
        try:
            with tenancy.tenant_context(self._tenant):
                self._loop()
        except Exception:
            logger.exception("Heartbeat of job %s stopped; the sweeper will judge the job", self._job_id)
        finally:
            connections[tenancy.DB_ALIAS].close()
            with self._cond:
                self._done = True
                self._cond.notify_all()

    def _loop(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._stopping or self._requested > self._written, self._interval)
                if self._stopping:
                    return
                pending, self._pending, target = self._pending, {}, self._requested
            if not self._write(pending):
                return
            with self._cond:
                self._written = target
                self._cond.notify_all()

    def _write(self, fields: dict[str, Any]) -> bool:
        """One beat; False once the row no longer belongs to this attempt (stop beating)."""
        try:
            return bool(
                Job.objects.filter(pk=self._job_id, status=JobStatus.RUNNING, attempts=self._attempt).update(
                    heartbeat_at=timezone.now(), **fields
                )
            )
        except DatabaseError:
            logger.warning("Heartbeat of job %s could not be written; retrying", self._job_id, exc_info=True)
            connections[tenancy.DB_ALIAS].close()
            time.sleep(min(self._interval, 5.0))
            tenancy.activate(self._tenant)  # a new connection needs the tenant set again (RLS)
            return True


class JobContext:
    """What a handler receives: the job, its params, ``progress()`` and ``check_cancelled()``."""

    def __init__(self, job: Job, heartbeat: _Heartbeat) -> None:
        self.job = job
        self.params: dict[str, Any] = dict(job.params or {})
        self._heartbeat = heartbeat
        self._last_write = 0.0

    def progress(self, percent: float, stage: str | None = None) -> None:
        """Report ``percent`` (0–100) and optionally a new stage; visible to others at once.

        Calls closer than a second apart with the same stage are folded into the next heartbeat,
        so a handler may report inside a tight loop.
        """
        value = max(0, min(100, int(percent)))
        new_stage = self.job.stage if stage is None else stage[:200]
        if value == self.job.progress and new_stage == self.job.stage:
            return
        now = time.monotonic()
        urgent = new_stage != self.job.stage or value == 100 or now - self._last_write >= PROGRESS_MIN_INTERVAL_SECONDS
        self.job.progress, self.job.stage = value, new_stage
        self._heartbeat.report(progress=value, stage=new_stage, wait=urgent)
        if urgent:
            self._last_write = now

    def check_cancelled(self) -> None:
        """Raise ``JobCancelled`` if someone asked to cancel; call it between steps of work."""
        requested = Job.objects.filter(pk=self.job.pk).values_list("cancel_requested_at", flat=True).first()
        if requested is not None:
            raise JobCancelled()


def _duration(seconds: int) -> str:
    if seconds % 60 == 0:
        minutes = seconds // 60
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def job_error_message(exc: BaseException, *, time_limit: int | None = None) -> str:
    """What people read when a job failed: short and plain; never SQL or a traceback."""
    if isinstance(exc, SoftTimeLimitExceeded):
        limit = f" of {_duration(time_limit)}" if time_limit else ""
        return f"Stopped: the job ran past its time limit{limit}."
    if isinstance(exc, JobFailed):
        message = str(exc)
    elif isinstance(exc, ValidationError):
        message = " ".join(exc.messages)
    elif isinstance(exc, DatabaseError):
        message = "A database error stopped the job; the details are in the worker log."
    else:
        text = str(exc).strip()
        message = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return message[:MAX_ERROR_LENGTH]


def job_run(*, job_id: str) -> str:
    """Run one job in the active tenant (the body of ``core.run_job``); returns its end status.

    History records the job's creator as the actor of every write the job makes.
    """
    pk = parse_uuid(job_id)
    job = Job.objects.select_related("created_by").filter(pk=pk).first() if pk is not None else None
    if job is None:
        logger.warning("Job %s not found (deleted, or its tenant's data was reset); nothing to run", job_id)
        return "missing"
    user = str(job.created_by.user_id) if job.created_by is not None else None
    with pghistory.context(user=user, tenant=str(job.tenant_id), job=str(job.pk)):
        claimed = _claim(job.pk)
        if claimed is None:
            return str(Job.objects.filter(pk=job.pk).values_list("status", flat=True).first())
        return _execute(claimed)


def _claim(job_id: uuid.UUID) -> Job | None:
    """Mark the job running for this attempt, or None when there is nothing (more) to run."""
    now = timezone.now()
    with transaction.atomic():
        job: Job = Job.objects.select_for_update().get(pk=job_id)
        if job.is_finished:
            logger.info("Job %s is already %s; skipped", job.pk, job.status)
            return None
        if job.status == JobStatus.RUNNING:  # a redelivery: the attempt before died with its worker
            ended = _end_redelivered(job, now)
            if ended:
                return None
            logger.warning("Job %s: attempt %s died with its worker; starting it again", job.pk, job.attempts)
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.started_at = job.heartbeat_at = now
        job.worker = f"{socket.gethostname()}:{os.getpid()}"[:200]
        job.progress = 0
        job.stage = "Started" if job.attempts == 1 else f"Started again (attempt {job.attempts})"
        job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at", "worker", "progress", "stage"])
    return job


def _end_redelivered(job: Job, now: datetime) -> bool:
    """A dead attempt's job: cancelled if someone asked, failed after too many tries; True if ended."""
    if job.cancel_requested_at is not None:
        job.status, job.stage = JobStatus.CANCELLED, "Cancelled"
    elif job.attempts >= int(settings.JOB_MAX_ATTEMPTS):
        job.status = JobStatus.FAILED
        job.error = (
            f"The worker stopped while running this job, {job.attempts} times; it was not started again. "
            "It may need more memory or time than a worker has."
        )
    else:
        return False
    job.finished_at = now
    job.save(update_fields=["status", "stage", "error", "finished_at"])
    logger.warning("Job %s ended %s after a lost worker (attempts: %s)", job.pk, job.status, job.attempts)
    return True


def _stored_result(result: Any) -> dict[str, Any] | None:
    if result is not None and not isinstance(result, dict):
        raise TypeError(f"a job handler must return a dict or None, not {type(result).__name__}")
    json.dumps(result, cls=DjangoJSONEncoder)  # fails here, as the job's error, not in the UPDATE
    return result


def _execute(job: Job) -> str:
    handler = job_handlers_load().get(job.kind)
    if handler is None:
        _finish(job, JobStatus.FAILED, error=f"No handler for jobs of kind “{job.kind}” is installed on the worker.")
        return JobStatus.FAILED
    heartbeat = _Heartbeat(tenant=tenancy.current_tenant(), job_id=job.pk, attempt=job.attempts)
    heartbeat.start()
    status, result, error = JobStatus.FAILED, None, "The job stopped unexpectedly (the worker was shutting down)."
    try:
        result = _stored_result(handler.fn(JobContext(job, heartbeat), **dict(job.params or {})))
        status, error = JobStatus.SUCCEEDED, ""
    except JobCancelled:
        status, error = JobStatus.CANCELLED, ""
    except Exception as exc:
        logger.exception("Job %s (%s) failed in attempt %s", job.pk, job.kind, job.attempts)
        error = job_error_message(exc, time_limit=handler.soft_time_limit)
    finally:  # also on BaseException (a worker shutting down): the row never stays "running"
        heartbeat.stop()
        _finish(job, status, result=result, error=error)
    return status


def _finish(job: Job, status: str, *, result: dict[str, Any] | None = None, error: str = "") -> None:
    """Record the end of this attempt, if the row is still this attempt's."""
    now = timezone.now()
    fields: dict[str, Any] = {"status": status, "finished_at": now, "heartbeat_at": now, "result": result}
    fields["error"] = error[:MAX_ERROR_LENGTH]
    if status == JobStatus.SUCCEEDED:
        fields |= {"progress": 100, "stage": "Done"}
    elif status == JobStatus.CANCELLED:
        fields["stage"] = "Cancelled"
    mine = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts)
    try:
        updated = mine.update(**fields)
    except DatabaseError:  # the handler may have broken the connection: one more try on a fresh one
        logger.warning("Job %s: recording the end failed; retrying on a new connection", job.pk, exc_info=True)
        connections[tenancy.DB_ALIAS].close()
        tenancy.activate(tenancy.current_tenant())
        updated = mine.update(**fields)
    if not updated:
        logger.warning(
            "Job %s was ended elsewhere (sweeper?); outcome %s of attempt %s dropped", job.pk, status, job.attempts
        )


# --- Cancel -------------------------------------------------------------------------------------

_FINISHED_MESSAGES = {
    JobStatus.SUCCEEDED: "This job has already finished; there is nothing left to cancel.",
    JobStatus.FAILED: "This job has already failed; there is nothing left to cancel.",
    JobStatus.CANCELLED: "This job was already cancelled.",
}


def job_can_cancel(*, actor: Membership | None, job: Job) -> bool:
    """The role allows cancelling, and the actor started the job or runs the program office."""
    if actor is None or not can(actor, "jobs.cancel"):
        return False
    return actor.role == Role.ADMIN or (job.created_by_id is not None and job.created_by_id == actor.pk)


@transaction.atomic
def job_cancel(*, job: Job, actor: Membership) -> Job:
    """Cancel a queued job at once; ask a running one to stop (it ends at its next check).

    A finished job cannot be cancelled (``ValidationError`` on ``status``).
    """
    require(actor, "jobs.cancel")
    check_same_tenant(job, "job")
    if not job_can_cancel(actor=actor, job=job):
        raise PermissionDenied("Only the person who started this job, or the program office, can cancel it.")
    locked: Job = Job.objects.select_for_update().get(pk=job.pk)  # the runner claims under the same lock
    if locked.is_finished:
        raise ValidationError({"status": _FINISHED_MESSAGES[JobStatus(locked.status)]})
    now = timezone.now()
    if locked.cancel_requested_at is None:
        locked.cancel_requested_at = now
    if locked.status == JobStatus.QUEUED:
        locked.status, locked.finished_at, locked.stage = JobStatus.CANCELLED, now, "Cancelled before it started"
    locked.save(update_fields=["cancel_requested_at", "status", "finished_at", "stage"])
    return locked


# --- Sweeper ------------------------------------------------------------------------------------


def _seconds_setting(name: str) -> timedelta:
    return timedelta(seconds=float(getattr(settings, name)))


def _utc(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


def job_sweep(*, stale_after: timedelta | None = None, queued_after: timedelta | None = None) -> int:
    """End the active tenant's jobs whose worker is gone; returns how many were ended.

    * running, no heartbeat for ``stale_after`` (``JOB_STALE_AFTER_SECONDS``): the process died
      (SIGKILL, out of memory, machine lost) and no code of ours could record it → failed (or
      cancelled, if someone had asked);
    * queued for longer than ``queued_after`` (``JOB_QUEUED_STALE_AFTER_SECONDS``): the task never
      reached a worker (lost message, no worker on that queue) → failed.

    Rows another transaction holds (a runner claiming one) are skipped and judged next minute.
    """
    now = timezone.now()
    stale_before = now - (stale_after or _seconds_setting("JOB_STALE_AFTER_SECONDS"))
    queued_window = queued_after or _seconds_setting("JOB_QUEUED_STALE_AFTER_SECONDS")
    swept = 0
    with transaction.atomic():
        dead = (
            Job.objects.select_for_update(skip_locked=True)
            .annotate(last_sign=Coalesce("heartbeat_at", "started_at", "created_at"))
            .filter(status=JobStatus.RUNNING, last_sign__lt=stale_before)
        )
        for job in dead:
            if job.cancel_requested_at is not None:  # it was asked to stop anyway
                job.status, job.error = JobStatus.CANCELLED, ""
            else:
                since = _utc(job.last_sign)
                job.status = JobStatus.FAILED
                job.error = f"The worker stopped while running this job (no sign of life since {since})."
            job.finished_at = now
            job.save(update_fields=["status", "error", "finished_at"])
            swept += 1
        never_started = Job.objects.select_for_update(skip_locked=True).filter(
            status=JobStatus.QUEUED, created_at__lt=now - queued_window
        )
        for waiting in never_started:
            waiting.status, waiting.finished_at = JobStatus.FAILED, now
            waiting.error = (
                f"The job never started: no worker took it within {_duration(int(queued_window.total_seconds()))}."
            )
            waiting.save(update_fields=["status", "error", "finished_at"])
            swept += 1
    if swept:
        logger.warning("Swept %s job(s) of tenant %s whose worker was gone", swept, tenancy.current_tenant_id())
    return swept


# --- Selectors ----------------------------------------------------------------------------------


def jobs_for(membership: Membership) -> QuerySet[Job]:
    """The jobs ``membership`` may see, newest first: the tenant's, and for a customer participant
    only those of their own account (jobs without an account are internal)."""
    visible: QuerySet[Job] = Job.objects.all().visible_to(membership)
    return visible.select_related("created_by__user").order_by("-created_at", "-pk")


def job_get(*, membership: Membership, job_id: Any) -> Job:
    """One visible job; 404 for another tenant's, another account's or a malformed id."""
    pk = parse_uuid(job_id)
    job = jobs_for(membership).filter(pk=pk).first() if pk is not None else None
    if job is None:
        raise Http404("No such job.")
    return job
