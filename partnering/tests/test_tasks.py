"""Reminders: review-due e-mails to both champions and the weekly digest of overdue actions.

The tenant tasks are called directly (they run synchronously in the test process, inside their
tenant context); one test drives the daily fan-out through a real Celery worker.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core import mail
from django.utils import timezone

from partnering import meetings, work
from partnering.models import PartneringSettings, Relationship, ReminderLog
from partnering.tasks import action_digest_for_tenant, review_reminders_for_tenant, send_review_reminders
from partnering.tests.factories import action_for, meeting_for, relationship_for
from partnering.work import ACTION_DIGEST, REVIEW_REMINDER

TODAY = timezone.localdate


def age(world, relationship, days: int) -> None:
    """Pretend the relationship was created ``days`` ago (its first review is due 3 months later)."""
    with world.context():
        Relationship.objects.filter(pk=relationship.pk).update(created_at=timezone.now() - dt.timedelta(days=days))


@pytest.fixture
def due_rel(world_a):
    relationship = relationship_for(world_a, internal_notes="Keep the price war quiet.")
    age(world_a, relationship, 85)  # due in about a week: inside the default 14-day window
    return relationship


def test_champions_of_both_firms_are_reminded_once_per_due_date(world_a, world_b, due_rel):
    relationship_for(world_b)  # brand new in tenant B: nothing due there
    assert review_reminders_for_tenant(str(world_a.tenant.pk)) == 2
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([world_a.member("champion").user.email, world_a.customer_x.user.email])
    message = mail.outbox[0]
    assert "Quarterly review due" in message.subject and str(due_rel) in message.subject
    assert f"/t/{world_a.slug}/relationships/{due_rel.pk}/" in message.body
    assert "Keep the price war quiet" not in message.body
    assert message.content_subtype == "plain"
    # idempotent: the next day's run sends nothing new for the same due date
    assert review_reminders_for_tenant(str(world_a.tenant.pk)) == 0
    assert len(mail.outbox) == 2
    with world_a.context():
        assert ReminderLog.objects.filter(kind=REVIEW_REMINDER).count() == 2
    assert review_reminders_for_tenant(str(world_b.tenant.pk)) == 0


def test_no_reminder_when_a_review_is_planned_or_not_due_yet(world_a, due_rel):
    meeting_for(world_a, relationship=due_rel)  # planned quarterly review in two weeks
    fresh = relationship_for(world_a, account=world_a.account_y)  # due in three months
    assert review_reminders_for_tenant(str(world_a.tenant.pk)) == 0
    assert mail.outbox == []
    assert fresh.pk


def test_a_steering_meeting_does_not_count_as_the_planned_review(world_a, due_rel):
    meeting_for(world_a, relationship=due_rel, kind="steering_team")
    assert review_reminders_for_tenant(str(world_a.tenant.pk)) == 2


def test_overdue_review_is_reminded_and_the_window_comes_from_the_settings(world_a):
    relationship = relationship_for(world_a)
    age(world_a, relationship, 60)  # due in about a month: outside the default window
    assert review_reminders_for_tenant(str(world_a.tenant.pk)) == 0
    with world_a.context():
        PartneringSettings.objects.update_or_create(tenant_id=world_a.tenant.pk, defaults={"review_reminder_days": 40})
    assert review_reminders_for_tenant(str(world_a.tenant.pk)) == 2
    age(world_a, relationship, 200)  # long overdue: a new due date, so one more reminder each
    assert review_reminders_for_tenant(str(world_a.tenant.pk)) == 2
    assert any("overdue" in m.subject for m in mail.outbox)


def test_a_held_review_moves_the_next_due_date(world_a, due_rel):
    with world_a.context():
        meeting = meeting_for(world_a, relationship=due_rel, starts_at=timezone.now() - dt.timedelta(days=5))
        meetings.meeting_update(actor=world_a.admin, meeting=meeting, status="held")
    assert review_reminders_for_tenant(str(world_a.tenant.pk)) == 0


def test_weekly_digest_lists_each_owners_overdue_actions(world_a, world_b):
    relationship = relationship_for(world_a)
    late = TODAY() - dt.timedelta(days=3)
    action_for(world_a, relationship=relationship, title="Send the audit report", due_on=late)
    action_for(world_a, relationship=relationship, title="Check our margin", due_on=late, internal_only=True)
    action_for(world_a, relationship=relationship, title="Not late yet")
    action_for(world_a, relationship=relationship, title="Share the plant data", due_on=late, owner=world_a.customer_x)
    done = action_for(world_a, relationship=relationship, title="Finished", due_on=late, owner=world_a.customer_x)
    with world_a.context():
        work.action_update(actor=world_a.admin, action=done, status="done")
    action_for(world_b, title="Other tenant's action", due_on=late)

    assert action_digest_for_tenant(str(world_a.tenant.pk)) == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    rep_mail = by_recipient[world_a.rep.user.email]
    assert "Send the audit report" in rep_mail.body and "Check our margin" in rep_mail.body
    assert "Not late yet" not in rep_mail.body and "3 days late" in rep_mail.body
    customer_mail = by_recipient[world_a.customer_x.user.email]
    assert "Share the plant data" in customer_mail.body
    assert "Check our margin" not in customer_mail.body and "Finished" not in customer_mail.body
    assert "Other tenant" not in rep_mail.body + customer_mail.body
    assert customer_mail.subject == f"1 overdue action in {world_a.tenant.name}"
    # once a week
    assert action_digest_for_tenant(str(world_a.tenant.pk)) == 0
    assert len(mail.outbox) == 2
    with world_a.context():
        assert ReminderLog.objects.filter(kind=ACTION_DIGEST).count() == 2


def test_a_customer_owning_only_internal_work_gets_no_digest(world_a):
    relationship = relationship_for(world_a)
    action = action_for(
        world_a, relationship=relationship, due_on=TODAY() - dt.timedelta(days=1), owner=world_a.customer_x
    )
    with world_a.context():  # bypass the service on purpose: a row that should never exist
        type(action).objects.filter(pk=action.pk).update(internal_only=True)
    assert action_digest_for_tenant(str(world_a.tenant.pk)) == 0
    assert mail.outbox == []


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_daily_fan_out_runs_per_tenant_in_a_real_worker(celery_worker, world_a, world_b):
    relationship = relationship_for(world_a)
    age(world_a, relationship, 85)
    assert send_review_reminders.delay().get(timeout=30) >= 2  # one tenant task per tenant
    deadline = time.monotonic() + 30
    while True:
        with world_a.context():
            count = ReminderLog.objects.filter(kind=REVIEW_REMINDER).count()
        if count == 2 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert count == 2
    with world_b.context():
        assert not ReminderLog.objects.exists()


def test_the_fan_out_enqueues_one_reminder_job_per_tenant_and_never_two(world_a, world_b):
    """Beat's fan-out runs on the job runner: a job per tenant, and a run still queued is not doubled."""
    from core.models import Job

    assert send_review_reminders() >= 2
    assert send_review_reminders() >= 2  # beat firing twice, or a slow worker: still one job each
    for world in (world_a, world_b):
        with world.context():
            jobs = list(Job.objects.filter(kind="partnering.review_reminders"))
        assert len(jobs) == 1 and jobs[0].status == "queued" and jobs[0].customer_account_id is None
