"""Internal-only content never reaches a customer participant: every page, API route, export and
e-mail, crawled as the customer with a sentinel in every internal field.

The crawl walks the same route map as ``test_isolation`` (so new routes are covered without
changes here): list routes as they are, object routes filled from the isolation registry.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone

from partnering import tasks
from partnering.models import (
    ActionItem,
    Contact,
    CustomerAccount,
    FutureTopic,
    Meeting,
    Relationship,
)
from partnering.tests.factories import action_for, contact_for, meeting_for, relationship_for, topic_for
from projects.models import Project, ProjectActivity, ProjectAttachment, ProjectComment
from projects.tests.factories import project_for
from tests.test_isolation import OBJECT_ROUTES, ROUTES

SECRET = "ZZ-INTERNAL-ONLY-7c41"


def _mark_everything_internal(world) -> None:
    relationship = relationship_for(world)
    meeting_for(world, relationship=relationship)
    topic_for(world, relationship=relationship)
    contact_for(world, account=world.account_x)
    action_for(
        world,
        relationship=relationship,
        title=f"{SECRET} internal action",
        internal_only=True,
        due_on=timezone.localdate() - dt.timedelta(days=3),
    )
    action_for(
        world,
        relationship=relationship,
        owner=world.customer_x,
        title="Customer's own action",
        due_on=timezone.localdate() - dt.timedelta(days=3),
    )
    project = project_for(world, account=world.account_x)
    with world.context():
        for model in (CustomerAccount, Relationship, Meeting, FutureTopic, Contact, Project):
            model.objects.update(internal_notes=f"{SECRET} {model.__name__}")
        assert ActionItem.objects.filter(internal_only=True).exists()
        for each in Project.objects.all():
            if not ProjectComment.objects.filter(project=each, internal_only=True).exists():
                ProjectComment.objects.create(project=each, body=f"{SECRET} comment", internal_only=True)
                ProjectActivity.objects.create(
                    project=each, verb="note", summary=f"{SECRET} activity", internal_only=True
                )
                attachment = ProjectAttachment(
                    project=each,
                    original_name=f"{SECRET}.txt",
                    content_type="text/plain",
                    size=6,
                    internal_only=True,
                )
                attachment.file.save("x", ContentFile(b"secret"), save=False)
                attachment.save()
        assert project.pk is not None


def test_no_internal_content_reaches_a_customer_anywhere(world_a, client_for, api_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _mark_everything_internal(world_a)
    customer = world_a.customer_x
    pages, api = client_for(customer), api_for(customer)
    visited = 0
    for name, template in ROUTES:
        params = set(re.findall(r"{(\w+)}", template)) - {"tenant_slug"}
        values = {"tenant_slug": world_a.slug}
        if params:
            fill, _account_bound = OBJECT_ROUTES[name]
            values.update(fill(world_a))
            _mark_everything_internal(world_a)  # rows the fill just created get the sentinel too
        path = "/" + template.format(**values)
        client = api if path.startswith("/api/") else pages
        response = client.get(path)
        if response.status_code == 200:
            visited += 1
            body = response.content.decode(errors="replace")
            assert SECRET not in body, f"internal content leaked to a customer at {path}"
    assert visited >= 15  # the customer really saw pages and API answers, not only refusals

    # Exports and feeds a customer can reach directly.
    for path in (
        f"/t/{world_a.slug}/accounts/export.csv",
        f"/t/{world_a.slug}/relationships/{relationship_for(world_a).pk}/meetings.ics",
        f"/t/{world_a.slug}/projects/export.csv",
    ):
        response = pages.get(path)
        assert response.status_code in (200, 403, 404)
        assert SECRET not in response.content.decode(errors="replace"), path

    # E-mails: the weekly digest to the customer lists their own overdue action, nothing internal.
    mail.outbox.clear()
    tasks.action_digest_for_tenant(str(world_a.tenant.pk))
    to_customer = [m for m in mail.outbox if customer.user.email in m.to]
    assert to_customer, "the customer should get a digest of their overdue action"
    for message in to_customer:
        assert SECRET not in message.subject + message.body
        assert "Customer's own action" in message.body


def test_the_sentinel_is_visible_to_our_own_people(world_a, client_for, settings, tmp_path):
    """Control for the crawl above: the same content does render for an internal member."""
    settings.MEDIA_ROOT = tmp_path
    _mark_everything_internal(world_a)
    relationship = relationship_for(world_a)
    page = client_for(world_a.member("champion")).get(f"/t/{world_a.slug}/relationships/{relationship.pk}/")
    assert page.status_code == 200
    assert SECRET in page.content.decode()
