"""Notifications: the page (list, mark one/all read), the home page's "For you" card, the API, and
the e-mails sent by ``projects.tasks.send_notification_emails`` (once each: ``emailed_at``)."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.db import transaction

from projects import workflow
from projects.models import Notification
from projects.projects import settings_for_tenant
from projects.tasks import send_notification_emails
from projects.tests.factories import project_for
from projects.workflow import notify


def submitted(world):
    project = project_for(world)
    with world.context():
        workflow.tollgate_submit(actor=world.rep, project=project, summary="Ready")
    return project


def test_coach_sees_the_tollgate_on_home_and_notifications_page(world_a, client_for):
    project = submitted(world_a)
    coach = client_for(world_a.member("coach"))
    home = coach.get(f"/t/{world_a.slug}/")
    body = home.content.decode()
    assert 'data-testid="for-you"' in body and "awaits your review" in body
    assert f"/projects/{project.pk}/" in body
    page = coach.get(f"/t/{world_a.slug}/projects/notifications/")
    assert page.status_code == 200 and page.context["unread"] == 1
    # nothing for the rep who submitted (the actor is never notified of their own act)
    assert 'data-testid="for-you"' not in client_for(world_a.rep).get(f"/t/{world_a.slug}/").content.decode()


def test_mark_one_and_all_read(world_a, client_for):
    project = submitted(world_a)
    coach_member = world_a.member("coach")
    with world_a.context():
        notify(recipients=[coach_member], project=project, verb="x", message="Second")
        first, second = Notification.objects.filter(recipient=coach_member).order_by("created_at")
    coach = client_for(coach_member)
    page = f"/t/{world_a.slug}/projects/notifications/"
    assert coach.post(page, {"id": str(first.pk)}).status_code == 302
    assert coach.post(page, {"id": "not-a-uuid"}).status_code == 302
    # someone else's id changes nothing
    assert client_for(world_a.rep).post(page, {"id": str(second.pk)}).status_code == 302
    with world_a.context():
        assert Notification.objects.get(pk=first.pk).read_at is not None
        assert Notification.objects.get(pk=second.pk).read_at is None
    assert coach.post(page, {"all": "1"}).status_code == 302
    with world_a.context():
        assert not Notification.objects.filter(recipient=coach_member, read_at__isnull=True).exists()
    assert 'data-testid="for-you"' not in coach.get(f"/t/{world_a.slug}/").content.decode()


def test_notifications_api_lists_only_mine(world_a, world_b, api_for):
    submitted(world_a)
    foreign = submitted(world_b)
    coach = api_for(world_a.member("coach"))
    rows = coach.get(f"/api/v1/t/{world_a.slug}/notifications/").json()["results"]
    assert len(rows) == 1 and rows[0]["verb"] == "tollgate.submitted"
    assert api_for(world_a.rep).get(f"/api/v1/t/{world_a.slug}/notifications/").json()["count"] == 0
    # someone else's notification is a 404
    assert api_for(world_a.rep).post(f"/api/v1/t/{world_a.slug}/notifications/{rows[0]['id']}/read/").status_code == 404
    response = coach.post(f"/api/v1/t/{world_a.slug}/notifications/{rows[0]['id']}/read/")
    assert response.status_code == 200 and response.json()["read_at"]
    with world_b.context():
        foreign_ids = list(Notification.objects.filter(project=foreign).values_list("pk", flat=True))
    assert coach.get(f"/api/v1/t/{world_a.slug}/notifications/{foreign_ids[0]}/").status_code == 404
    assert coach.get(f"/api/v1/t/{world_a.slug}/notifications/read-all/").json() == {"unread": 0}
    assert coach.post(f"/api/v1/t/{world_a.slug}/notifications/read-all/").json() == {"marked": 0}


@pytest.mark.parametrize("extra", [0, 12])
def test_home_query_budget_with_notifications(world_a, client_for, django_assert_max_num_queries, extra):
    project = project_for(world_a)
    coach = world_a.member("coach")
    with world_a.context():
        settings_for_tenant()  # created on a tenant's first request, not counted here
        for i in range(extra):
            notify(recipients=[coach], project=project, verb="x", message=f"Note {i}")
    client = client_for(coach)
    with django_assert_max_num_queries(11):  # the home's budget (core/tests/test_home_views.py)
        response = client.get(f"/t/{world_a.slug}/")
    assert len(response.context["for_you"]) == min(extra, 5)


def test_the_email_task_sends_each_notification_once(world_a):
    project = submitted(world_a)
    with world_a.context():
        ids = [str(pk) for pk in Notification.objects.filter(project=project).values_list("pk", flat=True)]
    mail.outbox.clear()
    assert send_notification_emails(str(world_a.tenant.pk), ids) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world_a.member("coach").user.email]
    assert "awaits your review" in message.subject and f"/projects/{project.pk}/" in message.body
    with world_a.context():
        assert Notification.objects.get(pk=ids[0]).emailed_at is not None
    assert send_notification_emails(str(world_a.tenant.pk), ids) == 0  # idempotent
    assert len(mail.outbox) == 1


@pytest.mark.usefixtures("celery_worker")
@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_submission_is_emailed_by_the_real_worker(world_a):
    project = project_for(world_a)
    with world_a.context(), transaction.atomic():
        workflow.tollgate_submit(actor=world_a.rep, project=project, summary="Ready")
    deadline = time.monotonic() + 30
    while True:
        with world_a.context():
            note = Notification.objects.get(project=project, recipient=world_a.member("coach"))
        if note.emailed_at is not None or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert note.emailed_at is not None


def test_opening_the_project_reads_its_notifications_only(world_a, client_for):
    project = project_for(world_a)
    other = project_for(world_a, title="Another project")
    coach = world_a.member("coach")
    with world_a.context():
        notify(recipients=[coach], project=project, verb="x", message="About this one")
        notify(recipients=[coach], project=other, verb="x", message="About the other")
    client = client_for(coach)
    assert client.get(f"/t/{world_a.slug}/projects/{project.pk}/").status_code == 200
    with world_a.context():
        unread = Notification.objects.filter(recipient=coach, read_at__isnull=True)
        assert list(unread.values_list("message", flat=True)) == ["About the other"]


def test_notify_skips_the_actor_and_other_accounts(world_a):
    project = project_for(world_a)
    with world_a.context():
        rows = notify(
            recipients=[world_a.rep, world_a.member("coach"), world_a.customer_y, world_a.customer_x],
            project=project,
            verb="test",
            message="Hello",
            actor=world_a.rep,
        )
        assert {n.recipient for n in rows} == {world_a.member("coach"), world_a.customer_x}
        assert Notification.objects.filter(project=project).count() == 2
