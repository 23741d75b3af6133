"""The printable quarterly review pack: scorecard grid with zones as text, spotlight, open
discrepancies, both champions' ratings side by side (hidden until both are in while the quarter is
open), open actions and short list, a print stylesheet; scoped like every page."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from core import quarters
from dashboards.models import ChampionRating, QuarterlyResult, RatingScore, RatingStatus
from dashboards.ratings import ensure_rating_dimensions
from dashboards.tests.test_tasks import scorecard_for
from partnering import work as partnering_services
from partnering.models import Relationship, TopicStatus
from partnering.tests.factories import action_for, relationship_for, topic_for

CURRENT = quarters.current()
CLOSED = quarters.shift(CURRENT, -1)
STALL_SECRET = "OUR-STALL-ANSWER-9d3"


def url(world: Any, relationship: Relationship, quarter: str) -> str:
    return f"/t/{world.slug}/relationships/{relationship.pk}/review-pack/{quarter}/"


def rate(world: Any, relationship: Relationship, side: str, quarter: str, *, color: int, text: str = "") -> None:
    champion = relationship.supplier_champion if side == "supplier" else relationship.customer_champion
    with world.context():
        dimensions = ensure_rating_dimensions()
        rating = ChampionRating.objects.create(
            relationship=relationship,
            quarter=quarter,
            side=side,
            champion=champion,
            overall=color,
            avoid_stall=text or f"{side} says keep going",
            status=RatingStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
        for index, dimension in enumerate(dimensions):
            RatingScore.objects.create(
                rating=rating, dimension=dimension, color=color if index else 5, comment=f"{side} comment {index}"
            )


@pytest.fixture
def rel(world_a) -> Relationship:
    relationship = relationship_for(world_a, internal_notes="PACK-INTERNAL-NOTE")
    scorecard, (ours, theirs, both) = scorecard_for(world_a, relationship)
    with world_a.context():
        QuarterlyResult.objects.create(
            scorecard=scorecard, metric_key=ours.key, quarter=CLOSED, supplier_value=Decimal("97")
        )
        QuarterlyResult.objects.create(
            scorecard=scorecard, metric_key=theirs.key, quarter=quarters.shift(CLOSED, -1), customer_value=Decimal("96")
        )
        QuarterlyResult.objects.create(  # fell out of the Green Zone
            scorecard=scorecard, metric_key=theirs.key, quarter=CLOSED, customer_value=Decimal("80")
        )
        QuarterlyResult.objects.create(  # an open discrepancy
            scorecard=scorecard,
            metric_key=both.key,
            quarter=CLOSED,
            supplier_value=Decimal("96"),
            customer_value=Decimal("90"),
        )
    return relationship


def test_pack_shows_grid_spotlight_and_discrepancies(world_a, rel, client_for):
    response = client_for(world_a.member("champion")).get(url(world_a, rel, CLOSED))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Quarterly review pack · {CLOSED}" in html
    grid = response.context["grid"]
    assert grid.reporting_quarter == CLOSED and len(grid.quarters) == 8 and len(grid.rows) == 3
    assert "✓" in html and "Green" in html and "✕" in html and "Red" in html  # zones carry text and symbol
    assert "Disputed" in html
    assert [item.row.metric.name for item in grid.spotlight] == ["Metric owned by customer"]
    assert "fell out of the Green Zone this quarter" in html
    assert 'data-testid="pack-discrepancies"' in html and "96" in html and "90" in html
    assert 'onclick="window.print()"' in html and "css/pack.css" in html
    assert "PACK-INTERNAL-NOTE" not in html


def test_ratings_are_hidden_while_the_quarter_is_open_and_one_side_is_missing(world_a, rel, client_for):
    rate(world_a, rel, "supplier", CURRENT, color=2, text=STALL_SECRET)
    for member in (world_a.customer_x, world_a.member("champion"), world_a.member("executive")):
        response = client_for(member).get(url(world_a, rel, CURRENT))
        assert response.status_code == 200
        html = response.content.decode()
        assert 'data-testid="ratings-hidden"' in html, member.role
        assert "Our side: submitted" in html and "customer side: not submitted yet" in html
        assert STALL_SECRET not in html and "supplier comment" not in html
        assert 'data-testid="pack-ratings"' not in html


def test_both_ratings_side_by_side_with_divergence_once_both_are_in(world_a, rel, client_for):
    rate(world_a, rel, "supplier", CURRENT, color=5, text=STALL_SECRET)
    rate(world_a, rel, "customer", CURRENT, color=2)
    html = client_for(world_a.customer_x).get(url(world_a, rel, CURRENT)).content.decode()
    assert 'data-testid="pack-ratings"' in html and 'data-testid="ratings-hidden"' not in html
    assert "Bright Green" in html and "Light Red" in html
    assert "⚑ 3 steps apart" in html and "⚑ Divergent" in html
    assert STALL_SECRET in html and "customer says keep going" in html
    assert "supplier comment 1" in html and "customer comment 1" in html


def test_a_closed_quarter_shows_the_one_side_that_submitted(world_a, rel, client_for):
    rate(world_a, rel, "supplier", CLOSED, color=4, text=STALL_SECRET)
    html = client_for(world_a.customer_x).get(url(world_a, rel, CLOSED)).content.decode()
    assert 'data-testid="pack-ratings"' in html
    assert "Light Green" in html and STALL_SECRET in html and "Not submitted" in html


def test_open_actions_and_short_list_without_internal_content(world_a, rel, client_for):
    action_for(world_a, relationship=rel, title="Share the lab report")
    action_for(world_a, relationship=rel, title="INTERNAL-ACTION-77", internal_only=True)
    done = action_for(world_a, relationship=rel, title="Already done action")
    topic = topic_for(world_a, relationship=rel, title="Water reuse pilot")
    topic_for(world_a, relationship=rel, title="Long-list idea")
    with world_a.context():
        partnering_services.action_update(actor=world_a.admin, action=done, status="done")
        partnering_services.topic_set_status(actor=world_a.admin, topic=topic, status=TopicStatus.ACTIVE, priority=1)
        type(topic).objects.filter(pk=topic.pk).update(internal_notes="TOPIC-INTERNAL-NOTE")
    for member in (world_a.admin, world_a.customer_x):
        html = client_for(member).get(url(world_a, rel, CLOSED)).content.decode()
        assert "Share the lab report" in html
        assert "INTERNAL-ACTION-77" not in html  # the pack is shared with the customer, whoever prints it
        assert "Already done action" not in html
        assert "Water reuse pilot" in html and "Long-list idea" not in html
        assert "TOPIC-INTERNAL-NOTE" not in html and "PACK-INTERNAL-NOTE" not in html


def test_no_scorecard_and_nothing_else_gives_empty_states(world_a, client_for):
    relationship = relationship_for(world_a, account=world_a.account_y)
    html = client_for(world_a.rep).get(url(world_a, relationship, CLOSED)).content.decode()
    assert 'data-testid="no-scorecard"' in html
    assert "No open actions" in html and "Nothing on the short list yet" in html


def test_scope_and_bad_quarters(world_a, world_b, rel, client_for):
    assert client_for(world_a.customer_y).get(url(world_a, rel, CLOSED)).status_code == 404
    assert client_for(world_b.admin).get(url(world_a, rel, CLOSED)).status_code == 404
    for bad in ("2026Q5", "banana", "1999Q1"):
        assert client_for(world_a.rep).get(url(world_a, rel, bad)).status_code == 404
    assert client_for(world_a.rep).get(url(world_a, rel, CLOSED.lower())).status_code == 200


@pytest.mark.parametrize("extra_quarters", [0, 12])
def test_pack_runs_a_bounded_number_of_queries(world_a, rel, client_for, django_assert_max_num_queries, extra_quarters):
    with world_a.context():
        scorecard = type(rel).objects.get(pk=rel.pk).scorecard
        for offset in range(2, 2 + extra_quarters):
            quarter = quarters.shift(CLOSED, -offset)
            QuarterlyResult.objects.create(
                scorecard=scorecard, metric_key="metric_supplier", quarter=quarter, supplier_value=Decimal("90")
            )
        for offset in range(extra_quarters):
            action_for(world_a, relationship=rel, title=f"Action {offset}", due_on=timezone.localdate())
    rate(world_a, rel, "supplier", CLOSED, color=3)
    rate(world_a, rel, "customer", CLOSED, color=4)
    client = client_for(world_a.member("champion"))
    with django_assert_max_num_queries(20):
        assert client.get(url(world_a, rel, CLOSED)).status_code == 200


def test_print_stylesheet_lays_out_a4_with_a_page_per_section():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "pack.css").read_text()
    assert "@media print" in css and "size: A4" in css
    assert "break-before: page" in css and ".rp-noprint" in css
