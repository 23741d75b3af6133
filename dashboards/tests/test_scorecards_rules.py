"""The scorecard's rules (dashboards.rules): zones, discrepancies, the figure that counts, trends."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from dashboards import rules
from dashboards.rules import DISPUTED, GREEN, RED, YELLOW, Rule

HIGHER = Rule(direction="higher", goal=D("95"), yellow_band_pct=D("10"), tolerance=D("0.5"))  # yellow ≥ 85.5
LOWER = Rule(direction="lower", goal=D("10"), yellow_band_pct=D("20"), tolerance=D("1"))  # yellow ≤ 12


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("99", GREEN),
        ("95", GREEN),  # a tie with the goal is green
        ("94.99", YELLOW),
        ("85.5", YELLOW),  # the yellow edge itself is yellow
        ("85.49", RED),
        ("0", RED),
    ],
)
def test_zone_when_higher_is_better(value, expected):
    assert rules.zone(D(value), HIGHER) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3", GREEN),
        ("10", GREEN),  # tie
        ("10.01", YELLOW),
        ("12", YELLOW),  # edge
        ("12.01", RED),
        ("400", RED),
    ],
)
def test_zone_when_lower_is_better(value, expected):
    assert rules.zone(D(value), LOWER) == expected


def test_without_a_yellow_band_a_miss_is_red_and_a_zero_band_is_no_band():
    for band in (None, D("0")):
        rule = Rule(direction="higher", goal=D("1"), yellow_band_pct=band)
        assert rules.zone(D("1"), rule) == GREEN
        assert rules.zone(D("0.99"), rule) == RED


def test_the_band_uses_the_goals_magnitude_for_a_negative_goal():
    rule = Rule(direction="higher", goal=D("-10"), yellow_band_pct=D("10"))  # yellow down to -11
    assert rules.zone(D("-10"), rule) == GREEN
    assert rules.zone(D("-11"), rule) == YELLOW
    assert rules.zone(D("-11.01"), rule) == RED


def test_a_missing_figure_has_no_zone_never_red_or_green():
    assert rules.zone(None, HIGHER) is None
    evaluation = rules.evaluate(None, None, None, HIGHER)
    assert evaluation.value is None and evaluation.zone is None and not evaluation.discrepancy


def test_one_figure_present_counts_whoever_recorded_it():
    assert rules.evaluate(D("96"), None, None, HIGHER).value == D("96")
    assert rules.evaluate(None, D("80"), None, HIGHER).zone == RED
    assert not rules.evaluate(None, D("80"), None, HIGHER).discrepancy


def test_discrepancy_only_beyond_tolerance():
    assert not rules.is_discrepancy(D("95"), D("95.5"), None, HIGHER)  # exactly the tolerance: fine
    assert rules.is_discrepancy(D("95"), D("95.51"), None, HIGHER)
    assert rules.is_discrepancy(D("95.51"), D("95"), None, HIGHER)  # symmetric
    assert not rules.is_discrepancy(D("95"), None, None, HIGHER)  # needs both figures


def test_a_discrepancy_is_disputed_until_an_agreed_value_resolves_it():
    disputed = rules.evaluate(D("96"), D("90"), None, HIGHER)
    assert disputed.discrepancy and disputed.zone == DISPUTED and disputed.value is None
    assert disputed.supplier_zone == GREEN and disputed.customer_zone == YELLOW
    resolved = rules.evaluate(D("96"), D("90"), D("93"), HIGHER)
    assert not resolved.discrepancy and resolved.value == D("93") and resolved.zone == YELLOW


def test_the_agreed_value_counts_even_without_figures():
    assert rules.evaluate(None, None, D("99"), HIGHER).value == D("99")


@pytest.mark.parametrize(("owner", "expected"), [("supplier", "95.2"), ("both", "95.2"), ("customer", "95.4")])
def test_within_tolerance_the_figure_owners_figure_counts(owner, expected):
    rule = Rule(direction="higher", goal=D("95"), tolerance=D("0.5"), figure_owner=owner)
    assert rules.effective_value(D("95.2"), D("95.4"), None, rule) == D(expected)


def test_trend_follows_the_direction():
    assert rules.trend(D("90"), D("95"), "higher") == "up"
    assert rules.trend(D("95"), D("90"), "higher") == "down"
    assert rules.trend(D("12"), D("9"), "lower") == "up"  # fewer days is better
    assert rules.trend(D("9"), D("12"), "lower") == "down"
    assert rules.trend(D("9"), D("9"), "lower") == "flat"
    assert rules.trend(None, D("9"), "lower") is None
    assert rules.trend(D("9"), None, "higher") is None


def test_metric_definition_builds_the_rule():
    from dashboards.models import Metric

    metric = Metric(direction="lower", goal=D("10"), yellow_band_pct=D("20"), tolerance=D("1"), figure_owner="customer")
    assert metric.rule() == Rule(
        direction="lower", goal=D("10"), yellow_band_pct=D("20"), tolerance=D("1"), figure_owner="customer"
    )
