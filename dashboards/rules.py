"""The scorecard's rules, as pure functions: zones and calculation discrepancies.

* **Green** — the result meets or exceeds the goal (a tie with the goal is green), in the metric's
  direction (higher or lower is better).
* **Yellow** — not green, but within the metric's yellow band: ``yellow_band_pct`` % of the goal's
  magnitude on the wrong side. No band means no yellow.
* **Red** — everything else.
* No figure → no zone (``None``): missing data is shown as missing, never as red or green.

Each firm may record its own figure. When both exist and differ by more than the metric's
``tolerance`` (absolute, in the metric's unit), the result is a **calculation discrepancy** until
an agreed value is recorded; while disputed its zone is ``"disputed"``. The figure that counts:
the agreed value if any; else the one figure present; else (both, within tolerance) the figure of
the firm that owns the metric (the supplier's when both own it).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

GREEN, YELLOW, RED, DISPUTED = "green", "yellow", "red", "disputed"
HIGHER, LOWER = "higher", "lower"

#: How every page, e-mail and export names a zone (``None``: no figure). Spelled only here; templates
#: use the ``zone_label`` / ``zone_icon`` filters of ``dashboards_zones``.
ZONE_LABELS: dict[str | None, str] = {
    GREEN: "Green",
    YELLOW: "Yellow",
    RED: "Red",
    DISPUTED: "Disputed",
    None: "No data",
}
#: A symbol next to each zone's word, so colour is never the only signal.
ZONE_ICONS: dict[str | None, str] = {GREEN: "✓", YELLOW: "!", RED: "✕", DISPUTED: "≠", None: "–"}
#: The sponsor pages list one line per metric of the latest quarter: there a metric without a figure
#: is "Missing" (a gap to chase), where the scorecard grid says "No data".
MISSING_LABEL = "Missing"


@dataclass(frozen=True)
class Rule:
    """What a zone needs to know about a metric definition."""

    direction: str
    goal: Decimal
    yellow_band_pct: Decimal | None = None
    tolerance: Decimal = Decimal("0")
    figure_owner: str = "both"


def zone(value: Decimal | None, rule: Rule) -> str | None:
    if value is None:
        return None
    goal = rule.goal
    if (rule.direction == HIGHER and value >= goal) or (rule.direction == LOWER and value <= goal):
        return GREEN
    if rule.yellow_band_pct:
        margin = abs(goal) * rule.yellow_band_pct / Decimal(100)
        if (rule.direction == HIGHER and value >= goal - margin) or (
            rule.direction == LOWER and value <= goal + margin
        ):
            return YELLOW
    return RED


def is_discrepancy(supplier: Decimal | None, customer: Decimal | None, agreed: Decimal | None, rule: Rule) -> bool:
    if agreed is not None or supplier is None or customer is None:
        return False
    return abs(supplier - customer) > rule.tolerance


def effective_value(
    supplier: Decimal | None, customer: Decimal | None, agreed: Decimal | None, rule: Rule
) -> Decimal | None:
    if agreed is not None:
        return agreed
    if supplier is None or customer is None:
        return supplier if supplier is not None else customer
    if is_discrepancy(supplier, customer, agreed, rule):
        return None
    return customer if rule.figure_owner == "customer" else supplier


@dataclass(frozen=True)
class Evaluation:
    value: Decimal | None
    zone: str | None
    discrepancy: bool
    supplier_zone: str | None
    customer_zone: str | None


def evaluate(supplier: Decimal | None, customer: Decimal | None, agreed: Decimal | None, rule: Rule) -> Evaluation:
    disputed = is_discrepancy(supplier, customer, agreed, rule)
    value = effective_value(supplier, customer, agreed, rule)
    return Evaluation(
        value=value,
        zone=DISPUTED if disputed else zone(value, rule),
        discrepancy=disputed,
        supplier_zone=zone(supplier, rule),
        customer_zone=zone(customer, rule),
    )


def trend(previous: Decimal | None, current: Decimal | None, direction: str) -> str | None:
    """'up' (better), 'down' (worse), 'flat', or None without two values; in the metric's direction."""
    if previous is None or current is None:
        return None
    if current == previous:
        return "flat"
    better = current > previous if direction == HIGHER else current < previous
    return "up" if better else "down"
