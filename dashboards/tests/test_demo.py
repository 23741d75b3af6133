"""``seed_demo`` fills the dashboards module: every demo relationship has an agreed scorecard with two
years of both firms' results (discrepancies open and resolved, red and yellow quarters, a story),
both champions' ratings, and a current quarter rated by one side only; ``--scale`` adds scorecards
with 12 quarters to the benchmark tenant; a second run adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from core import quarters
from core.models import Membership, Tenant
from core.tenancy import tenant_context
from dashboards import rules
from dashboards.models import (
    ChampionRating,
    Metric,
    MetricTemplate,
    QuarterlyResult,
    RatingDimension,
    RatingScore,
    RatingStatus,
    Scorecard,
    ScorecardVersion,
    VersionStatus,
)
from dashboards.ratings import compare
from partnering.models import Relationship

PASSWORD = "demo-passphrase-for-tests"
MODELS = (
    MetricTemplate,
    Scorecard,
    ScorecardVersion,
    Metric,
    QuarterlyResult,
    RatingDimension,
    ChampionRating,
    RatingScore,
)
CURRENT = quarters.current()
HISTORY = quarters.last(8, ending=quarters.shift(CURRENT, -1))


def seed(*extra: str) -> None:
    call_command("seed_demo", "--force", "--password", PASSWORD, *extra, stdout=StringIO())


def counts(slug: str) -> dict[str, int]:
    with tenant_context(Tenant.objects.get(slug=slug)):
        return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def seeded(request) -> None:
    request.getfixturevalue("db")  # the demo data needs the database
    seed()


def evaluations(scorecard: Scorecard) -> dict[tuple[str, str], rules.Evaluation]:
    """(metric key, quarter) → evaluation under the version governing that quarter."""
    versions = list(scorecard.versions.order_by("-valid_from"))
    metrics = {(m.version_id, m.key): m for m in Metric.objects.filter(version__scorecard=scorecard)}
    result = {}
    for row in QuarterlyResult.objects.filter(scorecard=scorecard):
        version = next(v for v in versions if v.valid_from <= row.quarter)
        rule = metrics[(version.pk, row.metric_key)].rule()
        result[(row.metric_key, row.quarter)] = rules.evaluate(
            row.supplier_value, row.customer_value, row.agreed_value, rule
        )
    return result


@pytest.mark.usefixtures("seeded")
def test_every_demo_relationship_has_an_agreed_scorecard_of_fourteen_metrics():
    for slug in ("aquenta", "kestrel"):
        with tenant_context(Tenant.objects.get(slug=slug)):
            assert MetricTemplate.objects.count() == 14
            for relationship in Relationship.objects.select_related("account"):
                scorecard = Scorecard.objects.get(relationship=relationship)
                first = scorecard.versions.get(number=1)
                assert first.valid_from == HISTORY[0]
                assert first.status in (VersionStatus.AGREED, VersionStatus.SUPERSEDED)
                assert first.supplier_agreed_at and first.customer_agreed_at
                if relationship.customer_champion_id:  # signed by both champions in person
                    assert first.customer_agreed_by_id == relationship.customer_champion_id
                assert first.supplier_agreed_by_id is not None
                assert first.metrics.count() == 14
                assert scorecard.versions.filter(status=VersionStatus.AGREED).count() == 1


@pytest.mark.usefixtures("seeded")
def test_northfield_has_a_second_agreed_version_with_a_changed_goal():
    with tenant_context(Tenant.objects.get(slug="aquenta")):
        scorecard = Scorecard.objects.get(relationship__account__name="Northfield Paper Mill")
        v1, v2 = scorecard.versions.order_by("number")
        assert v1.status == VersionStatus.SUPERSEDED and v2.status == VersionStatus.AGREED
        assert v2.valid_from == quarters.shift(CURRENT, -2)
        assert v2.customer_agreed_by_id and v2.supplier_agreed_by_id
        goals_1 = dict(v1.metrics.values_list("key", "goal"))
        goals_2 = dict(v2.metrics.values_list("key", "goal"))
        assert goals_1.keys() == goals_2.keys()
        assert sum(goals_1[k] != goals_2[k] for k in goals_1) == 1


@pytest.mark.usefixtures("seeded")
def test_two_years_of_results_with_zones_discrepancies_and_a_story():
    with tenant_context(Tenant.objects.get(slug="aquenta")):
        zones_by_name = {}
        open_total = resolved_total = 0
        for scorecard in Scorecard.objects.select_related("relationship__account"):
            results = QuarterlyResult.objects.filter(scorecard=scorecard)
            assert sorted(set(results.values_list("quarter", flat=True))) == HISTORY
            assert results.count() == 14 * 8
            assert not results.filter(quarter=CURRENT).exists()
            assert results.exclude(supplier_value=None).exclude(customer_value=None).exists()  # both firms
            evaluated = evaluations(scorecard)
            open_total += sum(e.discrepancy for e in evaluated.values())
            resolved_total += results.exclude(agreed_value=None).count()
            zones_by_name[scorecard.relationship.account.name] = evaluated
        assert 2 <= open_total <= 4  # a few still open…
        assert resolved_total >= 5  # …and more settled with an agreed value
        everything = [e.zone for zones in zones_by_name.values() for e in zones.values()]
        assert {rules.GREEN, rules.YELLOW, rules.RED, rules.DISPUTED} <= set(everything)

        def green_share(name: str, quarter_list: list[str]) -> float:
            cells = [zones_by_name[name][(key, q)].zone for (key, q) in zones_by_name[name] if q in quarter_list]
            return sum(zone == rules.GREEN for zone in cells) / len(cells)

        early, late = HISTORY[:2], HISTORY[-2:]
        assert green_share("Northfield Paper Mill", late) > green_share("Northfield Paper Mill", early) + 0.3
        assert green_share("Blue Valley Foods", late) < green_share("Blue Valley Foods", early) - 0.3


@pytest.mark.usefixtures("seeded")
def test_ratings_of_both_champions_with_divergence_and_red_quarters():
    with tenant_context(Tenant.objects.get(slug="aquenta")):
        dimensions = RatingDimension.objects.count()
        assert 6 <= dimensions <= 8
        for relationship in Relationship.objects.select_related("account"):
            ratings = ChampionRating.objects.filter(relationship=relationship, quarter__in=HISTORY)
            sides = {"supplier", "customer"} if relationship.customer_champion_id else {"supplier"}
            assert set(ratings.values_list("side", flat=True)) == sides, relationship
            assert ratings.count() == 8 * len(sides)
            assert not ratings.exclude(status=RatingStatus.SUBMITTED).exists()
            for rating in ratings:
                assert rating.scores.count() == dimensions and rating.overall and rating.avoid_stall
                expected = relationship.customer_champion_id if rating.side == "customer" else None
                if expected:
                    assert rating.champion_id == expected
        assert ChampionRating.objects.filter(overall__lte=2, quarter__in=HISTORY).exists()  # a red quarter
        admin = Membership.objects.get(user__email="admin@aquenta.example")
        northfield = Relationship.objects.get(account__name="Northfield Paper Mill")
        divergent = sum(compare(admin, northfield, q).divergent_count for q in HISTORY)
        assert divergent >= 3


@pytest.mark.usefixtures("seeded")
def test_the_current_quarter_is_rated_by_one_side_only_and_stays_hidden():
    with tenant_context(Tenant.objects.get(slug="aquenta")):
        northfield = Relationship.objects.get(account__name="Northfield Paper Mill")
        current = ChampionRating.objects.filter(relationship=northfield, quarter=CURRENT)
        assert list(current.values_list("side", "status")) == [("supplier", RatingStatus.SUBMITTED)]
        ana = Membership.objects.get(user__email="ana.lopez@northfield-paper.example")
        view = compare(ana, northfield, CURRENT)
        assert view.supplier.submitted and view.supplier.hidden and not view.revealed
        lars = Membership.objects.get(user__email="champion@aquenta.example")
        assert compare(lars, northfield, CURRENT).supplier.visible  # his own


@pytest.mark.usefixtures("db")
def test_seeding_twice_adds_nothing():
    seed()
    before = {slug: counts(slug) for slug in ("aquenta", "kestrel")}
    assert before["kestrel"]["Scorecard"] == 1 and before["aquenta"]["Scorecard"] == 5
    seed()
    assert {slug: counts(slug) for slug in ("aquenta", "kestrel")} == before


@pytest.mark.usefixtures("db")
def test_scale_adds_scorecards_with_twelve_quarters_and_both_sides_ratings():
    seed("--scale", "2")
    history = quarters.last(12, ending=quarters.shift(CURRENT, -1))
    with tenant_context(Tenant.objects.get(slug="benchco")):
        assert Scorecard.objects.count() == 2
        for scorecard in Scorecard.objects.all():
            version = scorecard.versions.get()
            assert version.status == VersionStatus.AGREED and version.metrics.count() == 14
            results = QuarterlyResult.objects.filter(scorecard=scorecard)
            assert results.count() == 14 * 12
            assert sorted(set(results.values_list("quarter", flat=True))) == history
            ratings = ChampionRating.objects.filter(relationship=scorecard.relationship)
            assert ratings.count() == 12 * 2
            assert set(ratings.values_list("side", flat=True)) == {"supplier", "customer"}
        assert RatingScore.objects.count() == 24 * 2 * RatingDimension.objects.count()
    before = counts("benchco")
    seed("--scale", "2")
    assert counts("benchco") == before
    seed("--scale", "3")  # one more account: only its scorecard is added
    assert counts("benchco")["Scorecard"] == 3
