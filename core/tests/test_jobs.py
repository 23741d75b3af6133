"""The job runner (core.jobs) against the real database and real Celery workers.

Integration tests run the jobs in worker processes: ``celery_worker`` (solo pool, default and
heavy queues) and ``killable_worker`` (prefork, its own queue) for the tests that SIGKILL a pool
child or the whole worker. Handlers live in core/tests/job_handlers.py; the ones that must be
looked at mid-run wait at a *gate* (a Redis key) the test opens. Pages, API and admin tests need
no worker: in a non-transactional test nothing is sent (on_commit never fires).
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, connections, transaction
from django.utils import timezone

from core.jobs import (
    JobFailed,
    job_cancel,
    job_enqueue,
    job_error_message,
    job_get,
    job_handler,
    job_sweep,
    jobs_for,
)
from core.models import Job, JobStatus
from core.tasks import sweep_jobs
from core.tenancy import tenant_context
from core.tests.job_handlers import open_gate


def integration(test: Callable[..., Any]) -> Callable[..., Any]:
    """A test that talks to a real worker: committed transactions, so the worker sees the rows."""
    return pytest.mark.celery(pytest.mark.django_db(transaction=True)(test))


def wait_for(probe: Callable[[], Any], *, what: str, timeout: float = 30) -> Any:
    """Poll ``probe`` until it returns something truthy (returned), or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def reload(world: Any, job: Job) -> Job:
    with world.context():
        return Job.objects.get(pk=job.pk)


def enqueue(world: Any, **kwargs: Any) -> Job:
    with world.context():
        return job_enqueue(**kwargs)


def finished(world: Any, job: Job, *, timeout: float = 30) -> Job:
    return wait_for(
        lambda: (row := reload(world, job)).is_finished and row, what=f"{job.kind} to finish", timeout=timeout
    )


def when(world: Any, job: Job, check: Callable[[Job], bool], *, what: str, timeout: float = 30) -> Job:
    return wait_for(lambda: check(row := reload(world, job)) and row, what=what, timeout=timeout)


@pytest.fixture
def gate() -> Iterator[Callable[[], str]]:
    """``gate()`` → a fresh token. Every gate (and each attempt's) is opened at teardown, so a
    handler of a failed test never keeps a worker waiting."""
    tokens: list[str] = []

    def make() -> str:
        tokens.append(uuid.uuid4().hex)
        return tokens[-1]

    yield make
    for token in tokens:
        for suffix in ("", ":1", ":2", ":3"):
            open_gate(f"{token}{suffix}")


# --- Running: progress, result, failure ---------------------------------------------------------


@integration
@pytest.mark.usefixtures("celery_worker")
def test_progress_is_visible_while_the_job_runs_and_the_result_is_kept(world_a, gate, client_for):
    token, ids = gate(), [str(uuid.uuid4())]
    job = enqueue(
        world_a, kind="test.steps", subject=world_a.account_x, actor=world_a.rep, params={"token": token, "ids": ids}
    )
    assert job.status == JobStatus.QUEUED
    assert job.queue == settings.CELERY_HEAVY_QUEUE  # the handler's registration chose the queue

    # Stage two reports from inside the handler's own transaction: visible all the same.
    running = when(world_a, job, lambda j: j.stage == "stage two", what="stage two")
    assert (running.status, running.progress, running.attempts) == (JobStatus.RUNNING, 50, 1)
    assert re.fullmatch(r".+:\d+", running.worker)
    # The handler reports nothing while it waits; the runner's heartbeat thread still beats.
    when(world_a, job, lambda j: j.heartbeat_at > running.heartbeat_at, what="a heartbeat")
    panel = client_for(world_a.rep).get(f"/t/{world_a.slug}/jobs/{job.pk}/progress/").content.decode()
    assert 'hx-trigger="every 2s"' in panel and "stage two" in panel and "50 %" in panel

    open_gate(token)
    done = finished(world_a, job)
    assert (done.status, done.progress, done.stage, done.error) == (JobStatus.SUCCEEDED, 100, "Done", "")
    assert done.result == {"ids": ids}
    assert done.started_at <= done.finished_at
    panel = client_for(world_a.rep).get(f"/t/{world_a.slug}/jobs/{job.pk}/progress/").content.decode()
    assert "hx-trigger" not in panel and "Succeeded" in panel  # the finished panel stops polling

    # History keeps the life cycle (not every heartbeat), with the job's creator as the actor.
    with world_a.context():
        events = list(Job.pgh_event_model.objects.filter(pgh_obj_id=job.pk).order_by("pgh_id"))
    assert [e.status for e in events] == ["queued", "running", "succeeded"]
    assert events[1].pgh_context.metadata["user"] == str(world_a.rep.user_id)


@integration
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"message": "the data has no rows"}, "ValueError: the data has no rows"),
        ({"message": "Pick at least two columns.", "validation": True}, "Pick at least two columns."),
    ],
)
@pytest.mark.usefixtures("celery_worker")
def test_a_failing_handler_ends_failed_with_a_message_for_people(world_a, params, message):
    job = enqueue(world_a, kind="test.fail", actor=world_a.rep, params=params)
    assert job.queue == settings.CELERY_TASK_DEFAULT_QUEUE
    done = finished(world_a, job)
    assert (done.status, done.error, done.progress) == (JobStatus.FAILED, message, 20)
    assert done.result is None and done.finished_at is not None


@integration
@pytest.mark.usefixtures("killable_worker")
def test_a_job_past_its_time_limit_is_stopped_and_says_so(world_a):
    job = enqueue(world_a, kind="test.overrun", actor=world_a.rep)
    done = finished(world_a, job)
    assert (done.status, done.error) == (JobStatus.FAILED, "Stopped: the job ran past its time limit of 1 second.")


def test_error_messages_are_plain_and_never_leak_sql():
    assert job_error_message(SoftTimeLimitExceeded(), time_limit=40 * 60) == (
        "Stopped: the job ran past its time limit of 40 minutes."
    )
    assert job_error_message(JobFailed("Too few data points (3).")) == "Too few data points (3)."
    leaky = OperationalError('relation "secret_table" does not exist\nLINE 1: SELECT * FROM secret_table')
    assert "secret" not in job_error_message(leaky)
    assert job_error_message(KeyError("column")) == "KeyError: 'column'"


# --- Cancel -------------------------------------------------------------------------------------


@integration
@pytest.mark.usefixtures("celery_worker")
def test_a_queued_job_is_cancelled_at_once_and_never_runs(world_a, gate):
    token = gate()
    blocker = enqueue(world_a, kind="test.steps", actor=world_a.rep, params={"token": token, "ids": []})
    when(world_a, blocker, lambda j: j.status == JobStatus.RUNNING, what="the blocker to run")
    waiting = enqueue(world_a, kind="test.fail", actor=world_a.rep, params={"message": "must never run"})
    assert reload(world_a, waiting).status == JobStatus.QUEUED  # the one solo worker is busy

    with world_a.context():
        cancelled = job_cancel(job=waiting, actor=world_a.rep)
    assert cancelled.status == JobStatus.CANCELLED and cancelled.finished_at is not None

    open_gate(token)
    from core.tasks import run_job

    assert run_job.AsyncResult(waiting.task_id).get(timeout=30) == JobStatus.CANCELLED  # the runner skipped it
    row = reload(world_a, waiting)
    assert (row.status, row.attempts, row.started_at, row.error) == (JobStatus.CANCELLED, 0, None, "")


@integration
@pytest.mark.usefixtures("celery_worker")
def test_a_running_job_stops_at_its_next_check_when_cancelled(world_a, gate):
    job = enqueue(world_a, kind="test.steps", actor=world_a.member("champion"), params={"token": gate(), "ids": []})
    when(world_a, job, lambda j: j.stage == "stage two", what="stage two")
    with world_a.context():
        asked = job_cancel(job=job, actor=world_a.admin)  # an admin may cancel anyone's job
    assert asked.status == JobStatus.RUNNING and asked.cancel_requested_at is not None

    done = finished(world_a, job)  # the gate never opens: the handler's check_cancelled() ends it
    assert (done.status, done.stage, done.error) == (JobStatus.CANCELLED, "Cancelled", "")
    with world_a.context(), pytest.raises(ValidationError) as raised:
        job_cancel(job=done, actor=world_a.admin)
    assert raised.value.message_dict == {"status": ["This job was already cancelled."]}


def test_only_the_creator_or_an_admin_may_cancel(world_a):
    with world_a.context():
        job = job_enqueue(kind="test.noop", actor=world_a.member("champion"))
        with pytest.raises(PermissionDenied):
            job_cancel(job=job, actor=world_a.rep)
        with pytest.raises(PermissionDenied):
            job_cancel(job=job, actor=world_a.customer_x)
        assert job_cancel(job=job, actor=world_a.member("champion")).status == JobStatus.CANCELLED


# --- Enqueue once -------------------------------------------------------------------------------


@integration
@pytest.mark.usefixtures("celery_worker")
def test_the_same_work_is_enqueued_once_while_queued_or_running(world_a, gate):
    token = gate()
    params = {"token": token, "ids": []}
    first = enqueue(world_a, kind="test.steps", subject=world_a.account_x, actor=world_a.rep, params=params)
    again = enqueue(
        world_a, kind="test.steps", subject=world_a.account_x, actor=world_a.member("champion"), params=params
    )
    assert again.pk == first.pk  # queued: the same job
    when(world_a, first, lambda j: j.status == JobStatus.RUNNING, what="the job to run")
    assert enqueue(world_a, kind="test.steps", subject=world_a.account_x, params=params).pk == first.pk  # running
    other = enqueue(world_a, kind="test.steps", subject=world_a.account_y, actor=world_a.rep, params=params)
    assert other.pk != first.pk  # another subject is other work

    open_gate(token)
    finished(world_a, first)
    finished(world_a, other)
    later = enqueue(world_a, kind="test.steps", subject=world_a.account_x, actor=world_a.rep, params=params)
    assert later.pk != first.pk  # once finished, the same work may run again
    with world_a.context():
        assert Job.objects.filter(subject_id=world_a.account_x.pk).count() == 2


@integration
@pytest.mark.usefixtures("celery_worker")  # consumes what the test sends, in order
def test_simultaneous_enqueues_create_one_job_and_no_error(world_a, gate):
    token = gate()
    barrier, results, errors = threading.Barrier(4), [], []

    def request() -> None:
        try:
            with tenant_context(world_a.tenant):
                barrier.wait(timeout=10)
                job = job_enqueue(kind="test.steps", subject=world_a.account_x, params={"token": token, "ids": []})
            results.append(job.pk)
        except Exception as exc:  # collected: an exception in a thread would otherwise vanish
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(results) == 4 and len(set(results)) == 1
    with world_a.context():
        assert Job.objects.filter(kind="test.steps").count() == 1


def test_a_job_without_subject_is_enqueued_once_too(world_a, world_b):
    with world_a.context():
        first = job_enqueue(kind="test.noop", actor=world_a.rep)
        assert job_enqueue(kind="test.noop", actor=world_a.admin).pk == first.pk
        # The backstop: a second active row without subject violates the index (NULLs not distinct).
        with pytest.raises(IntegrityError), transaction.atomic():
            Job.objects.create(kind="test.noop")
    with world_b.context():
        assert job_enqueue(kind="test.noop").pk != first.pk  # another tenant's work is its own


def test_enqueue_refuses_unknown_kinds_and_bad_params(world_a):
    with world_a.context():
        with pytest.raises(KeyError):
            job_enqueue(kind="test.no-such-kind")
        with pytest.raises(ValidationError):
            job_enqueue(kind="test.noop", params=["not", "named"])  # type: ignore[arg-type]
    with pytest.raises(ImproperlyConfigured):
        job_handler("test.noop")(lambda _job: None)  # a kind has one handler


# --- A worker that dies -------------------------------------------------------------------------


def pid_of(job: Job) -> int:
    return int(job.worker.rsplit(":", 1)[1])


@integration
def test_a_killed_pool_child_makes_the_job_run_again(killable_worker, world_a, gate):
    token = gate()
    job = enqueue(world_a, kind="test.killable", actor=world_a.rep, params={"token": token})
    first = when(world_a, job, lambda j: j.stage == "attempt 1", what="attempt 1")
    killable_worker.kill_child(pid_of(first))

    # reject_on_worker_lost: Celery hands the message out again; the runner starts attempt 2.
    second = when(world_a, job, lambda j: j.stage == "attempt 2", what="attempt 2")
    assert second.status == JobStatus.RUNNING and pid_of(second) != pid_of(first)
    open_gate(f"{token}:2")
    done = finished(world_a, job)
    assert (done.status, done.attempts, done.result) == (JobStatus.SUCCEEDED, 2, {"attempt": 2})


@integration
def test_a_job_that_keeps_killing_its_worker_fails_after_max_attempts(killable_worker, world_a, gate):
    token = gate()
    job = enqueue(world_a, kind="test.killable", actor=world_a.rep, params={"token": token})
    for attempt in range(1, settings.JOB_MAX_ATTEMPTS + 1):
        running = when(world_a, job, lambda j, n=attempt: j.stage == f"attempt {n}", what=f"attempt {attempt}")
        killable_worker.kill_child(pid_of(running))
    done = finished(world_a, job)
    assert (done.status, done.attempts) == (JobStatus.FAILED, settings.JOB_MAX_ATTEMPTS)
    assert done.error.startswith(f"The worker stopped while running this job, {settings.JOB_MAX_ATTEMPTS} times")


@integration
def test_a_killed_worker_leaves_no_job_running_the_sweeper_fails_it(killable_worker, world_a, gate):
    job = enqueue(world_a, kind="test.killable", actor=world_a.rep, params={"token": gate()})
    running = when(world_a, job, lambda j: j.stage == "attempt 1", what="attempt 1")
    killable_worker.kill_all()  # SIGKILL of the whole process group: no code of ours runs any more

    with world_a.context():
        assert job_sweep() == 0  # heartbeat still fresh: not judged yet
        wait_for(job_sweep, what="the sweeper to end the job", timeout=settings.JOB_STALE_AFTER_SECONDS + 15)
    done = reload(world_a, job)
    assert done.status == JobStatus.FAILED
    assert done.error.startswith("The worker stopped while running this job (no sign of life since ")
    assert running.heartbeat_at <= done.finished_at


@integration
@pytest.mark.usefixtures("celery_worker")
def test_the_sweeper_task_ends_dead_jobs_in_every_tenant(world_a, world_b):
    now = timezone.now()
    long_ago = now - timedelta(hours=1)

    def row(world: Any, **fields: Any) -> Job:
        with world.context():
            return Job.objects.create(kind=f"test.sweep.{uuid.uuid4().hex[:6]}", **fields)

    dead_a = row(world_a, status=JobStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago, attempts=1)
    dead_b = row(world_b, status=JobStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago, attempts=1)
    cancelling = row(world_a, status=JobStatus.RUNNING, heartbeat_at=long_ago, cancel_requested_at=long_ago)
    lost = row(world_a, created_at=now - timedelta(hours=13))
    alive = row(world_a, status=JobStatus.RUNNING, heartbeat_at=now, attempts=1)
    waiting = row(world_a, created_at=now - timedelta(minutes=5))

    assert sweep_jobs.delay().get(timeout=30) == 4
    assert reload(world_b, dead_b).status == JobStatus.FAILED
    dead = reload(world_a, dead_a)
    assert dead.status == JobStatus.FAILED and dead.finished_at is not None
    assert (
        dead.error
        == f"The worker stopped while running this job (no sign of life since {long_ago:%Y-%m-%d %H:%M:%S} UTC)."
    )
    assert reload(world_a, cancelling).status == JobStatus.CANCELLED  # it was asked to stop anyway
    never = reload(world_a, lost)
    assert (never.status, never.error) == (
        JobStatus.FAILED,
        "The job never started: no worker took it within 720 minutes.",
    )
    assert reload(world_a, alive).status == JobStatus.RUNNING
    assert reload(world_a, waiting).status == JobStatus.QUEUED


# --- Selectors, API, page, admin ----------------------------------------------------------------


@pytest.fixture
def jobs_a(world_a) -> dict[str, Job]:
    """Jobs of world A: internal, of account X, and a finished one of the champion."""
    with world_a.context():
        internal = job_enqueue(kind="test.noop", actor=world_a.rep)
        of_x = job_enqueue(
            kind="test.steps", subject=world_a.account_x, actor=world_a.rep, customer_account=world_a.account_x
        )
        done = job_enqueue(kind="test.fail", subject=world_a.account_y, actor=world_a.member("champion"))
        Job.objects.filter(pk=done.pk).update(
            status=JobStatus.FAILED, error="ValueError: no rows", finished_at=timezone.now()
        )
    return {"internal": internal, "of_x": of_x, "done": reload(world_a, done)}


def test_customers_see_only_jobs_of_their_account(world_a, jobs_a):
    with world_a.context():
        assert {j.pk for j in jobs_for(world_a.rep)} == {j.pk for j in jobs_a.values()}
        assert [j.pk for j in jobs_for(world_a.customer_x)] == [jobs_a["of_x"].pk]
        assert list(jobs_for(world_a.customer_y)) == []
        assert job_get(membership=world_a.customer_x, job_id=str(jobs_a["of_x"].pk)).pk == jobs_a["of_x"].pk


def test_the_api_lists_newest_first_and_filters(world_a, jobs_a, api_for):
    api = api_for(world_a.rep)
    base = f"/api/v1/t/{world_a.slug}/jobs/"
    body = api.get(base).json()
    assert [row["id"] for row in body["results"]] == [str(jobs_a[k].pk) for k in ("done", "of_x", "internal")]
    assert [row["id"] for row in api.get(f"{base}?status=failed").json()["results"]] == [str(jobs_a["done"].pk)]
    assert [row["kind"] for row in api.get(f"{base}?kind=test.steps").json()["results"]] == ["test.steps"]
    bad = api.get(f"{base}?status=finished")
    assert bad.status_code == 400 and "status" in bad.json()["error"]["fields"]
    customer = api_for(world_a.customer_x).get(base).json()
    assert [row["id"] for row in customer["results"]] == [str(jobs_a["of_x"].pk)]


def test_the_api_shows_one_job(world_a, jobs_a, api_for):
    response = api_for(world_a.rep).get(f"/api/v1/t/{world_a.slug}/jobs/{jobs_a['done'].pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "failed" and body["error"] == "ValueError: no rows"
    assert body["kind"] == "test.fail" and body["subject_type"] == "partnering.customeraccount"
    assert body["subject_id"] == str(world_a.account_y.pk) and body["created_by"] == str(world_a.member("champion").pk)
    assert {"progress", "stage", "result", "created_at", "started_at", "finished_at", "heartbeat_at"} <= set(body)


def test_jobs_are_hidden_from_other_tenants_and_other_accounts(
    isolation, world_a, world_b, jobs_a, api_for, client_for
):
    job = jobs_a["of_x"]
    for path in (f"/api/v1/t/{world_a.slug}/jobs/{job.pk}/", f"/t/{world_a.slug}/jobs/{job.pk}/"):
        isolation.assert_hidden(path, account_bound=True)
    internal = f"/t/{world_a.slug}/jobs/{jobs_a['internal'].pk}/"
    assert client_for(world_a.customer_x).get(internal).status_code == 404  # internal-only job
    isolation.assert_list_excludes(
        f"/api/v1/t/{world_b.slug}/jobs/", [j.pk for j in jobs_a.values()], as_member=world_b.rep
    )
    # B's people asking for A's job inside their own workspace: 404 too.
    assert api_for(world_b.admin).get(f"/api/v1/t/{world_b.slug}/jobs/{job.pk}/").status_code == 404
    assert client_for(world_b.admin).get(f"/t/{world_b.slug}/jobs/{job.pk}/").status_code == 404


def test_malformed_ids_are_404(world_a, api_for, client_for):
    assert api_for(world_a.rep).get(f"/api/v1/t/{world_a.slug}/jobs/not-a-uuid/").status_code == 404
    assert api_for(world_a.rep).post(f"/api/v1/t/{world_a.slug}/jobs/12345/cancel/").status_code == 404
    assert client_for(world_a.rep).get(f"/t/{world_a.slug}/jobs/not-a-uuid/").status_code == 404
    with world_a.context(), pytest.raises(Exception, match="No such job"):
        job_get(membership=world_a.rep, job_id="not-a-uuid")


def test_cancel_through_the_api(world_a, jobs_a, api_for):
    url = f"/api/v1/t/{world_a.slug}/jobs/{jobs_a['of_x'].pk}/cancel/"
    assert api_for(world_a.member("champion")).post(url).status_code == 403  # not the creator
    # Customers may cancel nothing: 403 before any lookup, the same for any id (nothing leaks).
    for customer in (world_a.customer_x, world_a.customer_y):
        assert api_for(customer).post(url).status_code == 403
        assert api_for(customer).post(f"/api/v1/t/{world_a.slug}/jobs/{uuid.uuid4()}/cancel/").status_code == 403
    response = api_for(world_a.rep).post(url)  # the creator
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    again = api_for(world_a.admin).post(url)
    assert again.status_code == 400
    assert again.json()["error"]["fields"] == {"status": ["This job was already cancelled."]}
    finished_job = api_for(world_a.admin).post(f"/api/v1/t/{world_a.slug}/jobs/{jobs_a['done'].pk}/cancel/")
    assert finished_job.status_code == 400 and finished_job.json()["error"]["code"] == "invalid"


def test_the_job_page_shows_progress_error_and_cancel(world_a, jobs_a, client_for):
    page = client_for(world_a.rep).get(f"/t/{world_a.slug}/jobs/{jobs_a['of_x'].pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Test: three steps" in html and "Queued" in html and 'hx-trigger="every 2s"' in html
    assert 'data-testid="job-cancel"' in html  # the creator may cancel
    other_rep = (
        client_for(world_a.member("champion")).get(f"/t/{world_a.slug}/jobs/{jobs_a['of_x'].pk}/").content.decode()
    )
    assert 'data-testid="job-cancel"' not in other_rep
    customer = client_for(world_a.customer_x).get(f"/t/{world_a.slug}/jobs/{jobs_a['of_x'].pk}/").content.decode()
    assert 'data-testid="job-cancel"' not in customer and "Queued" in customer

    failed = client_for(world_a.rep).get(f"/t/{world_a.slug}/jobs/{jobs_a['done'].pk}/").content.decode()
    assert "ValueError: no rows" in failed and "hx-trigger" not in failed and 'data-testid="job-cancel"' not in failed


def test_cancel_from_the_page(world_a, jobs_a, client_for):
    url = f"/t/{world_a.slug}/jobs/{jobs_a['of_x'].pk}/cancel/"
    assert client_for(world_a.member("champion")).post(url).status_code == 403
    assert client_for(world_a.customer_x).post(url).status_code == 403
    assert client_for(world_a.admin).post(f"/t/{world_a.slug}/jobs/{uuid.uuid4()}/cancel/").status_code == 404
    response = client_for(world_a.admin).post(url, follow=True)
    assert response.redirect_chain[-1][0] == f"/t/{world_a.slug}/jobs/{jobs_a['of_x'].pk}/"
    assert "The job was cancelled." in response.content.decode()
    assert reload(world_a, jobs_a["of_x"]).status == JobStatus.CANCELLED
    again = client_for(world_a.admin).post(url, follow=True)
    assert again.status_code == 200 and "This job was already cancelled." in again.content.decode()


def test_the_admin_lists_jobs_read_only_and_cancels_through_the_service(world_a, world_b, jobs_a, client_for):
    with world_b.context():
        job_enqueue(kind="test.noop", actor=world_b.rep)
    admin = client_for(world_a.admin)
    admin.get(f"/t/{world_a.slug}/program-office/")  # opens A's workspace in the admin
    listing = admin.get("/admin/core/job/?status__exact=queued")
    assert listing.status_code == 200
    rows = set(re.findall(r"/admin/core/job/([0-9a-f-]{36})/change/", listing.content.decode()))
    assert rows == {str(jobs_a["internal"].pk), str(jobs_a["of_x"].pk)}  # queued ones of A only, not B's
    by_kind = admin.get("/admin/core/job/?kind=test.fail").content.decode()
    assert set(re.findall(r"/admin/core/job/([0-9a-f-]{36})/change/", by_kind)) == {str(jobs_a["done"].pk)}
    assert admin.get("/admin/core/job/add/").status_code == 403

    selected = [str(jobs_a["internal"].pk), str(jobs_a["done"].pk)]
    response = admin.post("/admin/core/job/", {"action": "cancel_selected", "_selected_action": selected}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Cancelled or asked to stop: 1 job." in page and "This job has already failed" in page
    assert reload(world_a, jobs_a["internal"]).status == JobStatus.CANCELLED
    assert reload(world_a, jobs_a["done"]).status == JobStatus.FAILED
