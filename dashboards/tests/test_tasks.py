"""Reminders of the dashboards module: champions who have not rated before quarter end, and owners
of missing results after quarter end. The tenant tasks run synchronously here (inside their tenant
context); one test drives the fan-out through a real Celery worker."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from core import quarters
from dashboards.models import (
    ChampionRating,
    DashboardsSettings,
    FigureOwner,
    Metric,
    QuarterlyResult,
    RatingStatus,
    Scorecard,
    ScorecardVersion,
    VersionStatus,
)
from dashboards.tasks import (
    RATING_REMINDER,
    RESULTS_REMINDER,
    rating_reminders_for_tenant,
    results_reminders_for_tenant,
    send_rating_reminders,
)
from partnering.models import Relationship, ReminderLog
from partnering.tests.factories import relationship_for

QUARTER = "2026Q2"
NEAR_END = "2026-06-25"  # 5 days before 2026Q2 ends: inside the default 14-day window
EARLY = "2026-05-01"
AFTER_Q1 = "2026-04-25"  # 25 days after 2026Q1 ended: past the default 21 days
TOO_SOON = "2026-04-10"


def scorecard_for(
    world: Any,
    relationship: Relationship,
    *,
    valid_from: str = "2025Q1",
    status: str = VersionStatus.AGREED,
    owners: tuple[str, ...] = (FigureOwner.SUPPLIER, FigureOwner.CUSTOMER, FigureOwner.BOTH),
) -> tuple[Scorecard, list[Metric]]:
    """A scorecard with one agreed version of three metrics (one per figure owner)."""
    with world.context():
        scorecard = Scorecard.objects.create(relationship=relationship)
        version = ScorecardVersion.objects.create(
            scorecard=scorecard,
            number=1,
            status=status,
            valid_from=valid_from,
            supplier_agreed_by=relationship.supplier_champion,
            supplier_agreed_at=timezone.now() if status != VersionStatus.DRAFT else None,
            customer_agreed_by=relationship.customer_champion,
            customer_agreed_at=timezone.now() if status != VersionStatus.DRAFT else None,
        )
        metrics = [
            Metric.objects.create(
                version=version,
                key=f"metric_{owner}",
                name=f"Metric owned by {owner}",
                unit="%",
                goal=Decimal("95"),
                figure_owner=owner,
                position=index,
            )
            for index, owner in enumerate(owners)
        ]
    return scorecard, metrics


def rate(world: Any, relationship: Relationship, side: str, *, quarter: str = QUARTER, submitted: bool = True) -> None:
    champion = relationship.supplier_champion if side == "supplier" else relationship.customer_champion
    with world.context():
        ChampionRating.objects.create(
            relationship=relationship,
            quarter=quarter,
            side=side,
            champion=champion,
            overall=2,
            avoid_stall="SECRET-STALL-TEXT",
            status=RatingStatus.SUBMITTED if submitted else RatingStatus.DRAFT,
            submitted_at=timezone.now() if submitted else None,
        )


def sent_to(member: Any) -> list[Any]:
    return [message for message in mail.outbox if member.user.email in message.to]


# --- Rating reminders -------------------------------------------------------------------------


def test_champions_who_have_not_submitted_are_reminded_once_per_quarter(world_a, world_b):
    relationship = relationship_for(world_a, internal_notes="INTERNAL-NOTE-SENTINEL")
    relationship_for(world_b)
    tenant_id = str(world_a.tenant.pk)
    assert rating_reminders_for_tenant(tenant_id, NEAR_END) == 2
    supplier, customer = world_a.member("champion"), world_a.customer_x
    assert len(sent_to(supplier)) == 1 and len(sent_to(customer)) == 1
    message = sent_to(customer)[0]
    assert QUARTER in message.subject and str(relationship) in message.subject
    assert f"/t/{world_a.slug}/relationships/{relationship.pk}/ratings/{QUARTER}/mine/" in message.body
    assert "INTERNAL-NOTE-SENTINEL" not in message.subject + message.body
    assert message.content_subtype == "plain"
    # the next day: nothing new for the same quarter and person
    assert rating_reminders_for_tenant(tenant_id, "2026-06-26") == 0
    assert len(mail.outbox) == 2
    with world_a.context():
        assert ReminderLog.objects.filter(kind=RATING_REMINDER, key=QUARTER).count() == 2
    # tenant B's champions are not reminded by A's task, and B's own run sees only B
    assert not [m for m in mail.outbox if "bravo" in " ".join(m.to)]


def test_no_rating_reminder_before_the_window(world_a):
    relationship_for(world_a)
    assert rating_reminders_for_tenant(str(world_a.tenant.pk), EARLY) == 0
    assert mail.outbox == []


def test_the_window_follows_the_tenant_setting(world_a):
    relationship_for(world_a)
    with world_a.context():
        DashboardsSettings.objects.create(rating_reminder_days=60)
    assert rating_reminders_for_tenant(str(world_a.tenant.pk), EARLY) == 2


def test_a_submitted_rating_silences_only_its_side_and_its_content_is_never_mailed(world_a):
    relationship = relationship_for(world_a)
    rate(world_a, relationship, "supplier")
    rate(world_a, relationship, "customer", submitted=False)  # a draft does not count
    assert rating_reminders_for_tenant(str(world_a.tenant.pk), NEAR_END) == 1
    assert sent_to(world_a.member("champion")) == []
    (message,) = sent_to(world_a.customer_x)
    body = message.subject + message.body
    assert "SECRET-STALL-TEXT" not in body and "Light Red" not in body  # the other side's rating stays hidden


def test_one_email_lists_all_relationships_of_a_champion(world_a):
    first = relationship_for(world_a)
    second = relationship_for(world_a, account=world_a.account_y)
    assert rating_reminders_for_tenant(str(world_a.tenant.pk), NEAR_END) == 3  # our champion once, two customers
    (message,) = sent_to(world_a.member("champion"))
    assert str(first) in message.body and str(second) in message.body
    assert "2 relationships" in message.subject
    # each customer hears only of their own relationship
    (to_y,) = sent_to(world_a.customer_y)
    assert str(second) in to_y.body and str(first) not in to_y.body


def test_relationship_without_customer_champion_reminds_only_our_side(world_a):
    relationship_for(world_a, customer_champion=None)
    assert rating_reminders_for_tenant(str(world_a.tenant.pk), NEAR_END) == 1
    assert sent_to(world_a.member("champion"))


# --- Results reminders ------------------------------------------------------------------------


def test_owners_of_missing_results_are_reminded_per_figure_owner(world_a):
    relationship = relationship_for(world_a)
    scorecard, metrics = scorecard_for(world_a, relationship)
    supplier_metric, customer_metric, both_metric = metrics
    with world_a.context():  # Q1: our figure of the shared metric is in, the customer's is not
        QuarterlyResult.objects.create(
            scorecard=scorecard, metric_key=both_metric.key, quarter="2026Q1", supplier_value=Decimal("96")
        )
    assert results_reminders_for_tenant(str(world_a.tenant.pk), AFTER_Q1) == 2
    (ours,) = sent_to(world_a.member("champion"))
    (theirs,) = sent_to(world_a.customer_x)
    assert "2026Q1" in ours.subject
    assert supplier_metric.name in ours.body and customer_metric.name not in ours.body
    assert both_metric.name not in ours.body  # already entered by us
    assert customer_metric.name in theirs.body and both_metric.name in theirs.body
    assert supplier_metric.name not in theirs.body
    assert f"/relationships/{relationship.pk}/scorecard/results/2026Q1/" in theirs.body
    assert ours.content_subtype == "plain"
    # once per quarter
    assert results_reminders_for_tenant(str(world_a.tenant.pk), "2026-04-26") == 0
    with world_a.context():
        assert ReminderLog.objects.filter(kind=RESULTS_REMINDER, key="2026Q1").count() == 2


def test_complete_or_agreed_results_send_nothing(world_a):
    relationship = relationship_for(world_a)
    scorecard, metrics = scorecard_for(world_a, relationship)
    with world_a.context():
        for metric in metrics:
            QuarterlyResult.objects.create(
                scorecard=scorecard,
                metric_key=metric.key,
                quarter="2026Q1",
                supplier_value=Decimal("96") if metric.figure_owner == FigureOwner.SUPPLIER else None,
                customer_value=Decimal("96") if metric.figure_owner == FigureOwner.CUSTOMER else None,
                agreed_value=Decimal("95") if metric.figure_owner == FigureOwner.BOTH else None,
            )
    assert results_reminders_for_tenant(str(world_a.tenant.pk), AFTER_Q1) == 0
    assert mail.outbox == []


def test_no_results_reminder_too_soon_or_without_an_agreed_scorecard(world_a):
    relationship = relationship_for(world_a)
    scorecard_for(world_a, relationship, status=VersionStatus.DRAFT)
    assert results_reminders_for_tenant(str(world_a.tenant.pk), AFTER_Q1) == 0  # draft: nothing owed
    other = relationship_for(world_a, account=world_a.account_y)
    scorecard_for(world_a, other)
    assert results_reminders_for_tenant(str(world_a.tenant.pk), TOO_SOON) == 0
    assert results_reminders_for_tenant(str(world_a.tenant.pk), AFTER_Q1) == 2
    assert {address for m in mail.outbox for address in m.to} == {
        world_a.member("champion").user.email,
        world_a.customer_y.user.email,
    }


def test_a_version_starting_later_does_not_govern_the_quarter(world_a):
    relationship = relationship_for(world_a)
    scorecard_for(world_a, relationship, valid_from="2026Q2")
    assert results_reminders_for_tenant(str(world_a.tenant.pk), AFTER_Q1) == 0


def test_inactive_user_gets_nothing_and_is_retried_later(world_a):
    relationship = relationship_for(world_a)
    scorecard_for(world_a, relationship, owners=(FigureOwner.CUSTOMER,))
    user = world_a.customer_x.user
    user.is_active = False
    user.save()
    assert results_reminders_for_tenant(str(world_a.tenant.pk), AFTER_Q1) == 0
    with world_a.context():
        assert not ReminderLog.objects.filter(kind=RESULTS_REMINDER).exists()


# --- Beat fan-out through a real worker --------------------------------------------------------


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("celery_worker")
def test_fan_out_runs_per_tenant_in_a_worker(world_a, world_b):
    relationship_for(world_a)
    relationship_for(world_b)
    today = timezone.localdate()
    end = quarters.end_date(quarters.of(today))
    with world_a.context():  # make "today" fall inside A's window whatever the date
        DashboardsSettings.objects.create(rating_reminder_days=(end - today).days + 1)
    with world_b.context():
        DashboardsSettings.objects.create(rating_reminder_days=0)
        far = (end - today).days > 0
    assert send_rating_reminders.delay().get(timeout=30) >= 2
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with world_a.context():
            if ReminderLog.objects.filter(kind=RATING_REMINDER).count() == 2:
                break
        time.sleep(0.2)
    with world_a.context():
        assert ReminderLog.objects.filter(kind=RATING_REMINDER, key=quarters.of(today)).count() == 2
    with world_b.context():
        expected = 0 if far else 2
        assert ReminderLog.objects.filter(kind=RATING_REMINDER).count() == expected


def test_beat_schedule_has_the_dashboards_reminders(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"dashboards.send_rating_reminders", "dashboards.send_results_reminders"} <= tasks
    assert {"partnering.send_review_reminders", "partnering.send_action_digests"} <= tasks
    assert dt.date.fromisoformat(NEAR_END) > quarters.end_date(QUARTER) - dt.timedelta(days=14)
