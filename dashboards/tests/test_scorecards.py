"""Scorecard services: templates, creation, tailoring with versions, agreement, results, conflicts."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core import quarters
from dashboards import results, scorecards
from dashboards.models import Metric, MetricTemplate, ScorecardVersion, VersionStatus
from partnering.tests.factories import relationship_for

NOW = quarters.current()
LAST = quarters.shift(NOW, -1)
EARLIER = quarters.shift(NOW, -3)


@pytest.fixture
def scorecard(world_a, rel, champion):
    with world_a.context():
        return scorecards.scorecard_create(actor=champion, relationship=rel, valid_from=EARLIER)


def agree(world, scorecard):
    with world.context():
        scorecards.scorecard_agree(actor=world.member("champion"), scorecard=scorecard)
        return scorecards.scorecard_agree(actor=world.customer_x, scorecard=scorecard)


# --- Templates ----------------------------------------------------------------------------------


def test_the_default_fourteen_templates_are_created_once_per_tenant(world_a, world_b):
    with world_a.context():
        first = scorecards.ensure_metric_templates()
        again = scorecards.ensure_metric_templates()
        assert len(first) == 14 and [t.pk for t in first] == [t.pk for t in again]
        assert {t.category for t in first} == {"basic", "strategic"}
        assert {t.direction for t in first} == {"higher", "lower"}
        assert all(t.basis_of_calculation and t.figure_owner for t in first)
    with world_b.context():
        assert MetricTemplate.objects.count() == 0
        assert len(scorecards.ensure_metric_templates()) == 14


def test_only_admins_edit_templates(world_a):
    with world_a.context():
        template = scorecards.ensure_metric_templates()[0]
        with pytest.raises(PermissionDenied):
            scorecards.metric_template_update(actor=world_a.member("champion"), template=template, goal=D("1"))
        saved = scorecards.metric_template_update(actor=world_a.admin, template=template, goal="300", active=False)
        assert saved.goal == D("300") and not saved.active
        with pytest.raises(ValidationError) as error:
            scorecards.metric_template_update(actor=world_a.admin, template=template, goal="lots")
        assert "goal" in error.value.message_dict
        with pytest.raises(ValidationError):
            scorecards.metric_template_create(actor=world_a.admin, key=template.key, name="Dup", goal=1)
        created = scorecards.metric_template_create(actor=world_a.admin, key="fill_rate", name="Fill rate", goal="98")
        assert created.position == 15


# --- Creating a scorecard -------------------------------------------------------------------------


def test_a_scorecard_starts_as_draft_version_1_from_the_active_templates(world_a, rel, champion):
    with world_a.context():
        template = scorecards.ensure_metric_templates()[-1]
        scorecards.metric_template_update(actor=world_a.admin, template=template, active=False)
        scorecard = scorecards.scorecard_create(actor=champion, relationship=rel)
        version = scorecards.latest_version(scorecard)
        assert (version.number, version.status, version.valid_from) == (1, VersionStatus.DRAFT, NOW)
        assert Metric.objects.filter(version=version).count() == 13
        assert not Metric.objects.filter(version=version, key=template.key).exists()
        with pytest.raises(ValidationError):
            scorecards.scorecard_create(actor=champion, relationship=rel)


@pytest.mark.parametrize("who", ["rep", "executive", "customer_x"])
def test_only_our_champion_or_an_admin_sets_up_a_scorecard(world_a, rel, who):
    actor = world_a.customer_x if who == "customer_x" else world_a.member(who)
    with world_a.context(), pytest.raises(PermissionDenied):
        scorecards.scorecard_create(actor=actor, relationship=rel)


@pytest.mark.usefixtures("rel")
def test_a_champion_of_another_relationship_cannot_set_it_up(world_a):
    other = relationship_for(world_a, account=world_a.account_y, supplier_champion=world_a.admin)
    with world_a.context(), pytest.raises(PermissionDenied):
        scorecards.scorecard_create(actor=world_a.member("champion"), relationship=other)


# --- Agreement ------------------------------------------------------------------------------------


def test_both_champions_sign_and_the_version_is_agreed(world_a, scorecard, champion):
    with world_a.context():
        version = scorecards.scorecard_agree(actor=champion, scorecard=scorecard)
        assert version.status == VersionStatus.DRAFT and version.supplier_agreed_by == champion
        with pytest.raises(ValidationError, match="already agreed"):
            scorecards.scorecard_agree(actor=champion, scorecard=scorecard)
        version = scorecards.scorecard_agree(actor=world_a.customer_x, scorecard=scorecard)
        assert version.status == VersionStatus.AGREED
        assert version.customer_agreed_by == world_a.customer_x and version.customer_agreed_at is not None
        with pytest.raises(ValidationError, match="already agreed by both"):
            scorecards.scorecard_agree(actor=world_a.customer_x, scorecard=scorecard)


@pytest.mark.parametrize("who", ["rep", "executive", "coach", "customer_y"])
def test_nobody_else_signs(world_a, scorecard, who):
    actor = world_a.customer_y if who == "customer_y" else world_a.member(who)
    with world_a.context(), pytest.raises(PermissionDenied):
        scorecards.scorecard_agree(actor=actor, scorecard=scorecard)
    with world_a.context():
        assert scorecards.latest_version(scorecard).supplier_agreed_by is None


def test_an_admin_may_sign_our_side_but_not_the_customers(world_a, scorecard):
    with world_a.context():
        version = scorecards.scorecard_agree(actor=world_a.admin, scorecard=scorecard)
        assert version.supplier_agreed_by == world_a.admin and version.customer_agreed_by is None
        with pytest.raises(ValidationError):
            scorecards.scorecard_agree(actor=world_a.admin, scorecard=scorecard)  # our side is signed already


def test_changing_a_draft_clears_signatures_given_to_other_content(world_a, scorecard, champion):
    with world_a.context():
        scorecards.scorecard_agree(actor=world_a.customer_x, scorecard=scorecard)
        scorecards.metric_update(actor=champion, scorecard=scorecard, key="on_time_delivery", goal=D("97"))
        version = scorecards.latest_version(scorecard)
        assert version.number == 1 and version.customer_agreed_by is None


# --- Versioning -----------------------------------------------------------------------------------


def test_changing_an_agreed_definition_starts_a_new_version_and_keeps_the_old_for_earlier_quarters(
    world_a, scorecard, champion
):
    agree(world_a, scorecard)
    with world_a.context():
        results.result_record(
            actor=champion, scorecard=scorecard, metric_key="on_time_delivery", quarter=LAST, supplier_value=D("96")
        )
        metric = scorecards.metric_update(
            actor=champion, scorecard=scorecard, key="on_time_delivery", goal=D("98"), change_note="Tighter goal"
        )
        v1, v2 = ScorecardVersion.objects.filter(scorecard=scorecard).order_by("number")
        assert (v1.status, v2.status, v2.valid_from, metric.version_id) == ("agreed", "draft", NOW, v2.pk)
        assert Metric.objects.get(version=v1, key="on_time_delivery").goal == D("95")
        assert Metric.objects.filter(version=v2).count() == 14
        assert "Tighter goal" in v2.change_note
        # The draft does not govern yet: the agreed version does, for every quarter.
        assert scorecards.governing_version(scorecard, NOW) == v1
        # Further changes go into the same draft.
        scorecards.metric_update(actor=champion, scorecard=scorecard, key="order_lead_time", goal=D("8"))
        assert ScorecardVersion.objects.filter(scorecard=scorecard).count() == 2
    agree(world_a, scorecard)
    with world_a.context():
        v1.refresh_from_db()
        v2.refresh_from_db()
        assert (v1.status, v2.status) == (VersionStatus.SUPERSEDED, VersionStatus.AGREED)
        assert scorecards.governing_version(scorecard, LAST) == v1
        assert scorecards.governing_version(scorecard, NOW) == v2
        # The same figure, judged by each quarter's definitions: 96 met v1's goal of 95.
        last = {c.metric.key: c for c in results.quarter_cells(membership=champion, scorecard=scorecard, quarter=LAST)}
        assert last["on_time_delivery"].zone == "green" and last["on_time_delivery"].metric.goal == D("95")
        results.result_record(
            actor=champion, scorecard=scorecard, metric_key="on_time_delivery", quarter=NOW, supplier_value=D("96")
        )
        now = {c.metric.key: c for c in results.quarter_cells(membership=champion, scorecard=scorecard, quarter=NOW)}
        assert now["on_time_delivery"].zone == "yellow" and now["on_time_delivery"].metric.goal == D("98")


def test_a_change_that_changes_nothing_starts_no_version(world_a, scorecard, champion):
    agree(world_a, scorecard)
    with world_a.context():
        scorecards.metric_update(actor=champion, scorecard=scorecard, key="on_time_delivery", goal="95.0")
        assert ScorecardVersion.objects.filter(scorecard=scorecard).count() == 1


def test_a_new_version_cannot_start_before_the_agreed_one(world_a, scorecard, champion):
    agree(world_a, scorecard)
    with world_a.context():
        with pytest.raises(ValidationError) as error:
            scorecards.metric_update(
                actor=champion,
                scorecard=scorecard,
                key="on_time_delivery",
                goal=D("90"),
                valid_from=quarters.shift(EARLIER, -1),
            )
        assert "valid_from" in error.value.message_dict
        assert ScorecardVersion.objects.filter(scorecard=scorecard).count() == 1
        with pytest.raises(ValidationError):
            scorecards.metric_update(actor=champion, scorecard=scorecard, key="on_time_delivery", valid_from="2026Q9")


def test_add_and_remove_metrics_in_a_new_version(world_a, scorecard, champion):
    agree(world_a, scorecard)
    with world_a.context():
        results.result_record(
            actor=champion, scorecard=scorecard, metric_key="share_of_wallet", quarter=LAST, supplier_value=D("30")
        )
        scorecards.metric_remove(actor=champion, scorecard=scorecard, key="share_of_wallet", valid_from=NOW)
        added = scorecards.metric_add(
            actor=champion,
            scorecard=scorecard,
            key="spare_parts_fill_rate",
            name="Spare parts fill rate",
            goal="97",
            unit="%",
        )
        assert added.version.number == 2 and added.position == 14  # after the last remaining one
        with pytest.raises(ValidationError):
            scorecards.metric_add(
                actor=champion, scorecard=scorecard, key="spare_parts_fill_rate", name="Again", goal=1
            )
        with pytest.raises(ValidationError):
            scorecards.metric_remove(actor=champion, scorecard=scorecard, key="share_of_wallet")  # already gone
    agree(world_a, scorecard)
    with world_a.context():
        grid = results.scorecard_grid(membership=champion, relationship=scorecard.relationship)
        rows = {row.key: row for row in grid.rows}
        assert "spare_parts_fill_rate" in rows and rows["spare_parts_fill_rate"].on_scorecard
        assert not rows["share_of_wallet"].on_scorecard  # removed, but its history still shows
        assert rows["share_of_wallet"].cells[-2].value == D("30")
        # The new metric did not exist in earlier quarters: no results there.
        with pytest.raises(ValidationError) as error:
            results.result_record(
                actor=champion, scorecard=scorecard, metric_key="spare_parts_fill_rate", quarter=LAST, supplier_value=1
            )
        assert "metric_key" in error.value.message_dict


@pytest.mark.parametrize("who", ["rep", "customer_x", "executive"])
def test_only_definers_tailor(world_a, scorecard, who):
    actor = world_a.customer_x if who == "customer_x" else world_a.member(who)
    with world_a.context():
        with pytest.raises(PermissionDenied):
            scorecards.metric_update(actor=actor, scorecard=scorecard, key="on_time_delivery", goal=1)
        with pytest.raises(PermissionDenied):
            scorecards.metric_remove(actor=actor, scorecard=scorecard, key="on_time_delivery")


def test_bad_definition_input_is_refused(world_a, scorecard, champion):
    with world_a.context():
        with pytest.raises(ValidationError) as error:
            scorecards.metric_update(actor=champion, scorecard=scorecard, key="on_time_delivery", tolerance="-1")
        assert "tolerance" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            scorecards.metric_update(actor=champion, scorecard=scorecard, key="on_time_delivery", version=None)
        assert "version" in error.value.message_dict
        with pytest.raises(ValidationError):
            scorecards.metric_update(actor=champion, scorecard=scorecard, key="nope", goal=1)


def test_governing_version_falls_back_for_history_before_the_first_version(world_a, rel, champion):
    with world_a.context():
        scorecard = scorecards.scorecard_create(actor=champion, relationship=rel)  # valid from NOW
        v1 = scorecards.latest_version(scorecard)
        assert scorecards.governing_version(scorecard, quarters.shift(NOW, -8)) == v1
        results.result_record(
            actor=champion,
            scorecard=scorecard,
            metric_key="on_time_delivery",
            quarter=quarters.shift(NOW, -8),
            supplier_value=90,
        )
