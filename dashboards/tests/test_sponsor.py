"""Sponsor dashboard and relationship drill-down: who sees what, hidden ratings, zones, query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core import quarters
from dashboards import sponsor as sponsor_area
from dashboards.models import (
    ChampionRating,
    Color,
    Metric,
    QuarterlyResult,
    RatingStatus,
    Scorecard,
    ScorecardVersion,
    VersionStatus,
)
from partnering import relationships as partnering_services
from partnering.models import Level, Relationship
from partnering.tests.factories import relationship_for

CURRENT = quarters.current()
PREVIOUS = quarters.shift(CURRENT, -1)  # closed: ratings of a closed quarter are visible


# --- Builders (rows straight through the ORM: these tests are about reading them) -------------


def scorecard_for(
    world, relationship: Relationship, *, metrics: int = 3, valid_from: str = "2020Q1", goal: str = "90"
) -> Scorecard:
    """A scorecard with one agreed version of ``metrics`` higher-is-better metrics (goal 90, 5 % yellow band)."""
    with world.context():
        scorecard = Scorecard.objects.create(relationship=relationship)
        version = ScorecardVersion.objects.create(
            scorecard=scorecard, number=1, status=VersionStatus.AGREED, valid_from=valid_from
        )
        Metric.objects.bulk_create(
            Metric(
                tenant=world.tenant,
                version=version,
                key=f"m{i}",
                name=f"Metric {i}",
                unit="%",
                goal=Decimal(goal),
                yellow_band_pct=Decimal("5"),
                tolerance=Decimal("1"),
                position=i,
            )
            for i in range(metrics)
        )
    return scorecard


def result(world, scorecard: Scorecard, key: str, quarter: str, supplier=None, customer=None, agreed=None):
    with world.context():
        return QuarterlyResult.objects.create(
            scorecard=scorecard,
            metric_key=key,
            quarter=quarter,
            supplier_value=None if supplier is None else Decimal(str(supplier)),
            customer_value=None if customer is None else Decimal(str(customer)),
            agreed_value=None if agreed is None else Decimal(str(agreed)),
        )


def rate(world, relationship: Relationship, quarter: str, side: str, overall: int, *, submitted: bool = True):
    with world.context():
        return ChampionRating.objects.update_or_create(
            relationship=relationship,
            quarter=quarter,
            side=side,
            defaults={
                "overall": overall,
                "status": RatingStatus.SUBMITTED if submitted else RatingStatus.DRAFT,
                "avoid_stall": f"{side} says: meet monthly",
            },
        )[0]


def sponsor(world, relationship: Relationship, membership) -> None:
    with world.context():
        partnering_services.sponsor_add(actor=world.admin, relationship=relationship, membership=membership)


def overview_url(world) -> str:
    return f"/t/{world.slug}/dashboards/sponsor/"


def drilldown_url(world, relationship) -> str:
    return f"/t/{world.slug}/relationships/{relationship.pk}/dashboard/"


def rows_by_name(response) -> dict[str, object]:
    return {str(row.relationship): row for row in response.context["rows"]}


# --- Who may open the overview ----------------------------------------------------------------


def test_admin_sees_every_relationship_and_the_level_distribution(world_a, client_for):
    main = relationship_for(world_a)
    other = relationship_for(world_a, account=world_a.account_y)
    relationship_for(world_a, business_unit="Pumps")
    with world_a.context():
        partnering_services.relationship_change_level(actor=world_a.admin, relationship=other, level=Level.STRATEGIC)
    response = client_for(world_a.admin).get(overview_url(world_a))
    assert response.status_code == 200
    assert response.context["total"] == 3
    counts = {level["key"]: level["count"] for level in response.context["levels"]}
    assert counts == {"transactional": 2, "preferred": 0, "strong_preferred": 0, "strategic": 1}
    assert response.context["share_past_transactional"] == 33  # 1 of 3, against the ~30 % benchmark
    html = response.content.decode()
    assert "33%" in html and "~30%" in html and "at or above" in html
    assert 'id="sp-level-data"' in html and "vendor/chartjs/" in html  # chart data + Chart.js, no CDN
    assert "cdn" not in html.lower()
    for relationship in (main, other):
        assert drilldown_url(world_a, relationship) in html


def test_executive_sees_all_with_their_own_sponsorships_flagged_and_first(world_a, client_for):
    relationship_for(world_a)  # account X ("… customer X") sorts before Y
    theirs = relationship_for(world_a, account=world_a.account_y)
    sponsor(world_a, theirs, world_a.member("executive"))
    response = client_for(world_a.member("executive")).get(overview_url(world_a))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows[0].relationship.pk == theirs.pk
    assert [row.yours for row in rows] == [True, False]
    assert response.content.decode().count('data-testid="yours"') == 1
    assert response.context["yours_count"] == 1


@pytest.mark.parametrize("role", ["coach", "champion", "rep"])
def test_roles_without_sponsor_view_get_403(world_a, client_for, role):
    relationship_for(world_a)
    assert client_for(world_a.member(role)).get(overview_url(world_a)).status_code == 403


def test_customer_who_sponsors_nothing_gets_403(world_a, client_for):
    relationship_for(world_a)  # customer X is its champion, not its sponsor
    assert client_for(world_a.customer_x).get(overview_url(world_a)).status_code == 403


def test_customer_sponsor_goes_straight_to_their_relationship(world_a, client_for):
    relationship = relationship_for(world_a)
    sponsor(world_a, relationship, world_a.customer_x)
    response = client_for(world_a.customer_x).get(overview_url(world_a))
    assert response.status_code == 302
    assert response["Location"] == drilldown_url(world_a, relationship)


def test_customer_sponsor_of_two_units_sees_only_those(world_a, client_for):
    first = relationship_for(world_a)
    second = relationship_for(world_a, business_unit="Pumps")
    relationship_for(world_a, business_unit="Valves")  # same account, not sponsored
    foreign = relationship_for(world_a, account=world_a.account_y)
    for relationship in (first, second):
        sponsor(world_a, relationship, world_a.customer_x)
    sponsor(world_a, foreign, world_a.customer_y)
    response = client_for(world_a.customer_x).get(overview_url(world_a))
    assert response.status_code == 200
    assert {row.relationship.pk for row in response.context["rows"]} == {first.pk, second.pk}
    html = response.content.decode()
    assert "Valves" not in html and "customer Y" not in html


def test_the_other_tenant_gets_404(world_a, world_b, client_for):
    assert client_for(world_b.admin).get(overview_url(world_a)).status_code == 404


# --- Ratings: red, trends, and the hidden-until-both rule -------------------------------------


def test_one_submitted_side_is_neither_rated_red_nor_in_the_trend(world_a, client_for):
    relationship = relationship_for(world_a)
    rate(world_a, relationship, CURRENT, "supplier", Color.BRIGHT_RED)
    rate(world_a, relationship, CURRENT, "customer", Color.LIGHT_GREEN, submitted=False)  # a draft is not in
    client = client_for(world_a.admin)

    response = client.get(overview_url(world_a))
    row = response.context["rows"][0]
    assert response.context["rated_red"] == []
    assert row.latest_ratings is None
    assert row.ratings[CURRENT].visible is False and row.ratings[CURRENT].overall == {}
    html = response.content.decode()
    assert f"{CURRENT} Bright Red" not in html
    assert f'title="{CURRENT} hidden until both have submitted">?<' in html
    assert "sp-c1" not in html and "hidden until both champions have submitted" in html

    drill = client.get(drilldown_url(world_a, relationship))
    assert drill.context["latest_ratings"] is None
    assert drill.context["rating_chart"]["series"][0]["values"][-1] is None
    body = drill.content.decode()
    assert 'data-testid="pending-ratings"' in body and "1 of 2 submitted" in body
    assert "supplier says" not in body and "sp-c1" not in body

    rate(world_a, relationship, CURRENT, "customer", Color.LIGHT_GREEN)  # both in: now visible
    response = client.get(overview_url(world_a))
    assert [row.relationship.pk for row in response.context["rated_red"]] == [relationship.pk]
    assert response.context["rows"][0].latest_ratings.quarter == CURRENT
    assert 'data-testid="rated-red"' in response.content.decode()
    drill = client.get(drilldown_url(world_a, relationship))
    assert drill.context["latest_ratings"].overall == {"supplier": Color.BRIGHT_RED, "customer": Color.LIGHT_GREEN}
    assert "supplier says: meet monthly" in drill.content.decode()


def test_a_closed_quarter_shows_a_single_submitted_side(world_a, client_for):
    relationship = relationship_for(world_a)
    rate(world_a, relationship, PREVIOUS, "customer", Color.LIGHT_RED)
    response = client_for(world_a.member("executive")).get(overview_url(world_a))
    assert [row.relationship.pk for row in response.context["rated_red"]] == [relationship.pk]
    row = response.context["rated_red"][0]
    assert row.latest_ratings.quarter == PREVIOUS and row.latest_ratings.red_sides == ["Customer"]
    html = response.content.decode()
    assert f'title="{PREVIOUS} Light Red">LR<' in html  # the strip: abbreviation as text, full name as tooltip
    assert 'Customer <span class="sp-color sp-c2">Light Red</span>' in html


def test_latest_visible_quarter_decides_red(world_a, client_for):
    """Red two quarters ago but green in the latest visible quarter: not listed as rated red."""
    relationship = relationship_for(world_a)
    rate(world_a, relationship, quarters.shift(CURRENT, -2), "supplier", Color.BRIGHT_RED)
    rate(world_a, relationship, PREVIOUS, "supplier", Color.BRIGHT_GREEN)
    rate(world_a, relationship, PREVIOUS, "customer", Color.YELLOW)
    response = client_for(world_a.admin).get(overview_url(world_a))
    assert response.context["rated_red"] == []
    strip = str(response.context["rows"][0].strip)
    assert "sp-c1" in strip and "sp-c5" in strip and "sp-c3" in strip  # the trend keeps the red quarter


# --- Scorecard figures ------------------------------------------------------------------------


def test_out_of_green_and_discrepancies_on_the_overview(world_a, client_for):
    relationship = relationship_for(world_a)
    scorecard = scorecard_for(world_a, relationship)
    result(world_a, scorecard, "m0", PREVIOUS, supplier=95)  # green
    result(world_a, scorecard, "m1", PREVIOUS, supplier=87)  # yellow (within 5 % of 90)
    result(world_a, scorecard, "m2", PREVIOUS, supplier=50)  # red
    result(world_a, scorecard, "m0", quarters.shift(CURRENT, -3), supplier=80, customer=92)  # open discrepancy
    result(world_a, scorecard, "m1", quarters.shift(CURRENT, -3), supplier=80, customer=92, agreed=85)  # settled
    result(world_a, scorecard, "m2", quarters.shift(CURRENT, -3), supplier=80, customer=80.5)  # within tolerance
    response = client_for(world_a.admin).get(overview_url(world_a))
    row = response.context["rows"][0]
    assert row.results_quarter == PREVIOUS
    assert [(e.metric.key, e.zone) for e in row.out_of_green] == [("m2", "red"), ("m1", "yellow")]
    assert [(e.metric.key, e.quarter) for e in row.discrepancies] == [("m0", quarters.shift(CURRENT, -3))]
    assert response.context["out_of_green_count"] == 2 and response.context["discrepancy_count"] == 1
    html = response.content.decode()
    assert "✕ Red</span> Metric 2" in html and "! Yellow</span> Metric 1" in html  # symbol + word, not colour only
    assert "ours 80, theirs 92" in html


def test_governing_version_judges_each_quarter(world_a, client_for):
    """A stricter goal agreed from the current quarter on does not re-judge last quarter's result."""
    relationship = relationship_for(world_a)
    scorecard = scorecard_for(world_a, relationship, metrics=1, goal="90")
    with world_a.context():
        ScorecardVersion.objects.filter(scorecard=scorecard).update(status=VersionStatus.SUPERSEDED)
        v2 = ScorecardVersion.objects.create(
            scorecard=scorecard, number=2, status=VersionStatus.AGREED, valid_from=CURRENT
        )
        Metric.objects.create(version=v2, key="m0", name="Metric 0 (v2)", goal=Decimal("99"))
        v3 = ScorecardVersion.objects.create(
            scorecard=scorecard, number=3, status=VersionStatus.DRAFT, valid_from=PREVIOUS
        )
        Metric.objects.create(version=v3, key="m0", name="Metric 0 (draft)", goal=Decimal("10"))
    result(world_a, scorecard, "m0", PREVIOUS, supplier=80)  # red under v1 (goal 90, band 5 %)
    result(world_a, scorecard, "m0", CURRENT, supplier=95)  # red under v2 (goal 99, no band)
    with world_a.context():
        governing = sponsor_area._load_versions(sponsor_area.Q(scorecard=scorecard))
    with world_a.context():
        number = {
            str(pk): n for pk, n in ScorecardVersion.objects.filter(scorecard=scorecard).values_list("id", "number")
        }
    sid = str(scorecard.pk)
    assert number[governing.version_id(sid, PREVIOUS)] == 1  # the draft v3 does not govern
    assert number[governing.version_id(sid, CURRENT)] == 2
    assert number[governing.version_id(sid, "2019Q1")] == 1  # older than every version: the first
    drill = client_for(world_a.admin).get(drilldown_url(world_a, relationship))
    lines = drill.context["metric_lines"]
    assert drill.context["latest_quarter"] == CURRENT
    assert [(line.metric.name, line.zone, line.trend) for line in lines] == [("Metric 0 (v2)", "red", "up")]


def test_drilldown_summary_spotlight_and_links(world_a, client_for):
    relationship = relationship_for(world_a)
    scorecard = scorecard_for(world_a, relationship, metrics=5)
    before = quarters.shift(PREVIOUS, -1)
    for key, then, now in (("m0", 95, 96), ("m1", 95, 88), ("m2", 80, 70)):
        result(world_a, scorecard, key, before, supplier=then)
        result(world_a, scorecard, key, PREVIOUS, supplier=now)
    result(world_a, scorecard, "m3", PREVIOUS, supplier=90, customer=70)  # disputed
    with world_a.context():
        partnering_services.relationship_change_level(actor=world_a.admin, relationship=relationship, level="preferred")
    response = client_for(world_a.member("executive")).get(drilldown_url(world_a, relationship))
    assert response.status_code == 200
    ctx = response.context
    assert ctx["latest_quarter"] == PREVIOUS
    counts = {z["zone"]: z["count"] for z in ctx["zone_counts"]}
    assert counts == {"green": 1, "yellow": 1, "red": 1, "disputed": 1, "missing": 1}
    assert [line.metric.key for line in ctx["spotlight"]] == ["m1"]  # m2 was already red last quarter
    assert [e.metric.key for e in ctx["discrepancies"]] == ["m3"]
    assert [c.to_level for c in ctx["level_history"]] == ["preferred", "transactional"]
    html = response.content.decode()
    assert f"/t/{world_a.slug}/relationships/{relationship.pk}/" in html  # partnering:relationship-detail
    assert "▼ worse" in html and "✓ Green" in html and "– Missing" in html


def test_drilldown_empty_states(world_a, client_for):
    relationship = relationship_for(world_a)
    response = client_for(world_a.admin).get(drilldown_url(world_a, relationship))
    html = response.content.decode()
    assert 'data-testid="no-scorecard"' in html and 'data-testid="no-ratings"' in html
    scorecard_for(world_a, relationship)
    html = client_for(world_a.admin).get(drilldown_url(world_a, relationship)).content.decode()
    assert 'data-testid="no-results"' in html


def test_drilldown_access(world_a, world_b, client_for):
    relationship = relationship_for(world_a)
    other_unit = relationship_for(world_a, business_unit="Pumps")
    sponsor(world_a, relationship, world_a.customer_x)
    assert client_for(world_a.customer_x).get(drilldown_url(world_a, relationship)).status_code == 200
    assert client_for(world_a.customer_x).get(drilldown_url(world_a, other_unit)).status_code == 403  # not theirs
    assert client_for(world_a.customer_y).get(drilldown_url(world_a, relationship)).status_code == 404
    assert client_for(world_b.admin).get(drilldown_url(world_a, relationship)).status_code == 404
    for role in ("admin", "executive", "champion", "rep", "coach"):
        assert client_for(world_a.member(role)).get(drilldown_url(world_a, relationship)).status_code == 200
    # A customer sponsor does not get the link back to the tenant-wide overview.
    html = client_for(world_a.customer_x).get(drilldown_url(world_a, relationship)).content.decode()
    assert overview_url(world_a) not in html


# --- Query counts -----------------------------------------------------------------------------


def build(world, size: int, *, metrics: int, quarters_back: int) -> list[Relationship]:
    relationships = [relationship_for(world, business_unit=f"Unit {i:03d}") for i in range(size)]
    window = quarters.last(quarters_back, ending=PREVIOUS)
    sponsor(world, relationships[0], world.member("executive"))
    for n, relationship in enumerate(relationships):
        scorecard = scorecard_for(world, relationship, metrics=metrics)
        with world.context():
            QuarterlyResult.objects.bulk_create(
                QuarterlyResult(
                    tenant=world.tenant,
                    scorecard=scorecard,
                    metric_key=f"m{m}",
                    quarter=quarter,
                    supplier_value=Decimal(80 + (m + n + q) % 20),
                    customer_value=Decimal(80 + (m + n + q) % 20 + (5 if m == 3 else 0)),
                )
                for m in range(metrics)
                for q, quarter in enumerate(window)
            )
            ChampionRating.objects.bulk_create(
                ChampionRating(
                    tenant=world.tenant,
                    relationship=relationship,
                    quarter=quarter,
                    side=side,
                    overall=1 + (n + q) % 5,
                    status=RatingStatus.SUBMITTED,
                )
                for q, quarter in enumerate(window)
                for side in ("supplier", "customer")
            )
    return relationships


@pytest.mark.parametrize(("size", "metrics", "quarters_back"), [(3, 14, 8), (30, 14, 8)])
def test_fixed_query_count_at_two_sizes(
    world_a, client_for, django_assert_max_num_queries, size, metrics, quarters_back
):
    relationships = build(world_a, size, metrics=metrics, quarters_back=quarters_back)
    client = client_for(world_a.member("executive"))
    with django_assert_max_num_queries(20):
        response = client.get(overview_url(world_a))
    assert response.status_code == 200
    assert response.context["total"] == size
    assert response.context["discrepancy_count"] == size * quarters_back  # metric m3 differs by 5 > tolerance 1
    assert all(row.latest_ratings is not None for row in response.context["rows"])
    with django_assert_max_num_queries(20):
        drill = client.get(drilldown_url(world_a, relationships[-1]))
    assert drill.status_code == 200
    assert len(drill.context["metric_lines"]) == metrics


def test_table_shows_the_first_rows_unless_all_are_asked_for(world_a, client_for, monkeypatch):
    from dashboards.views import sponsor as sponsor_views

    monkeypatch.setattr(sponsor_views, "TABLE_LIMIT", 2)
    for i in range(3):
        relationship_for(world_a, business_unit=f"Unit {i}")
    client = client_for(world_a.admin)
    response = client.get(overview_url(world_a))
    assert len(response.context["table_rows"]) == 2 and response.context["total"] == 3
    assert 'data-testid="table-more"' in response.content.decode()
    everything = client.get(overview_url(world_a) + "?all=1")
    assert len(everything.context["table_rows"]) == 3
    assert 'data-testid="table-more"' not in everything.content.decode()


# --- One hidden-until-both rule for every page ------------------------------------------------


def _shown_on_ratings_page(client, world, relationship, side: str) -> bool:
    response = client.get(f"/t/{world.slug}/relationships/{relationship.pk}/ratings/{CURRENT}/")
    assert response.status_code == 200
    view = getattr(response.context["comparison"], side)
    return view.visible and view.overall is not None


def _shown_on_drilldown(client, world, relationship, side: str) -> bool:
    response = client.get(drilldown_url(world, relationship))
    assert response.status_code == 200
    label = "Our company" if side == "supplier" else "Customer"
    series = next(s for s in response.context["rating_chart"]["series"] if s["label"] == label)
    in_strip = f'title="{CURRENT} Bright Red"' in str(response.context["rating_strip"])
    return series["values"][-1] is not None or in_strip


def test_the_sponsor_dashboard_never_shows_a_rating_the_ratings_page_hides(world_a, client_for):
    """One side submitted, quarter open: the other champion and an executive see no colour on the
    ratings page, the drill-down or the overview. The dashboard may hide more (it hides the author's
    own side too), never less; once both are in, every page shows both."""
    relationship = relationship_for(world_a)
    sponsor(world_a, relationship, world_a.customer_x)  # so the customer champion may open the drill-down
    rate(world_a, relationship, CURRENT, "supplier", Color.BRIGHT_RED)
    executive, author = world_a.member("executive"), world_a.member("champion")
    for member in (world_a.customer_x, executive, author):
        client = client_for(member)
        on_dashboard = _shown_on_drilldown(client, world_a, relationship, "supplier")
        assert not on_dashboard or _shown_on_ratings_page(client, world_a, relationship, "supplier")
    for member in (world_a.customer_x, executive):
        client = client_for(member)
        assert not _shown_on_ratings_page(client, world_a, relationship, "supplier")
        assert not _shown_on_drilldown(client, world_a, relationship, "supplier")
    row = rows_by_name(client_for(executive).get(overview_url(world_a)))[str(relationship)]
    assert not row.ratings[CURRENT].visible and row.latest_ratings is None
    assert f'title="{CURRENT} Bright Red"' not in str(row.strip)

    rate(world_a, relationship, CURRENT, "customer", Color.YELLOW)
    for member in (world_a.customer_x, executive, author):
        client = client_for(member)
        assert _shown_on_ratings_page(client, world_a, relationship, "supplier")
        assert _shown_on_drilldown(client, world_a, relationship, "supplier")
    row = rows_by_name(client_for(executive).get(overview_url(world_a)))[str(relationship)]
    assert row.ratings[CURRENT].visible and row.latest_ratings.quarter == CURRENT
