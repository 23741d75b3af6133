"""The default fourteen scorecard metrics a new tenant starts from (a water-treatment supplier).

Seven "blocking and tackling" basics the customer expects anyway, seven strategic metrics that show
whether the partnership creates value beyond the transaction. Goals are per quarter. Admins edit
them on the metric templates page; ``services.ensure_metric_templates()`` creates them lazily.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dashboards.models import Category, Direction, FigureOwner

B, S = Category.BASIC, Category.STRATEGIC
HIGHER, LOWER = Direction.HIGHER, Direction.LOWER
OURS, THEIRS, BOTH = FigureOwner.SUPPLIER, FigureOwner.CUSTOMER, FigureOwner.BOTH


def _metric(
    key: str,
    name: str,
    category: str,
    unit: str,
    direction: str,
    goal: str,
    yellow: str | None,
    tolerance: str,
    owner: str,
    basis: str,
    source: str,
) -> dict[str, Any]:
    return {
        "key": key,
        "name": name,
        "category": category,
        "unit": unit,
        "direction": direction,
        "goal": Decimal(goal),
        "yellow_band_pct": Decimal(yellow) if yellow is not None else None,
        "tolerance": Decimal(tolerance),
        "figure_owner": owner,
        "basis_of_calculation": basis,
        "data_source": source,
    }


# fmt: off
METRIC_TEMPLATES: list[dict[str, Any]] = [
    # --- Blocking and tackling ------------------------------------------------------------------
    _metric(
        "product_quality_ppm", "Product quality (defects)", B, "ppm", LOWER, "250", "40", "10", THEIRS,
        "Non-conforming units found at the customer's incoming inspection ÷ units delivered × 1,000,000.",
        "Customer incoming-inspection log; our certificates of analysis",
    ),
    _metric(
        "on_time_delivery", "On-time delivery", B, "%", HIGHER, "95", "3", "0.5", BOTH,
        "Order lines delivered complete within the agreed delivery window ÷ all order lines due in the quarter × 100.",
        "Our ERP shipment records; customer goods receipts",
    ),
    _metric(
        "order_lead_time", "Order lead time", B, "days", LOWER, "10", "20", "0.5", OURS,
        "Average calendar days from order confirmation to delivery, over all orders delivered in the quarter.",
        "Our ERP order history",
    ),
    _metric(
        "support_response_hours", "Technical support response time", B, "hours", LOWER, "4", "50", "0.5", OURS,
        "Median hours from a support request being logged to the first qualified answer by an engineer.",
        "Our service desk",
    ),
    _metric(
        "service_visit_completion", "Scheduled service visits completed", B, "%", HIGHER, "98", "5", "1", OURS,
        "Service visits carried out in the planned week ÷ visits scheduled for the quarter × 100.",
        "Field service planning system",
    ),
    _metric(
        "invoice_accuracy", "Invoice accuracy", B, "%", HIGHER, "99", "2", "0.5", THEIRS,
        "Invoices paid without a correction, credit note or query ÷ all invoices received in the quarter × 100.",
        "Customer accounts payable",
    ),
    _metric(
        "complaint_closure_days", "Complaint closure time", B, "days", LOWER, "30", "33.33", "1", BOTH,
        "Average calendar days from a complaint being logged to its agreed closure (8D report accepted).",
        "Our complaint database; customer quality records",
    ),
    # --- Strategic ------------------------------------------------------------------------------
    _metric(
        "validated_savings", "Validated cost savings", S, "€k", HIGHER, "250", "20", "5", BOTH,
        "Savings from joint projects validated by the customer's controller in the quarter, in thousand euros.",
        "Joint savings register, signed off by the customer's controller",
    ),
    _metric(
        "joint_projects_active", "Joint improvement projects active", S, "projects", HIGHER, "3", "34", "0", BOTH,
        "Lean Six Sigma projects with a named owner on each side and a charter, active at quarter end.",
        "Joint project register",
    ),
    _metric(
        "new_solutions_adopted", "New solutions adopted", S, "solutions", HIGHER, "2", "50", "0", THEIRS,
        "Products, programs or services newly taken into regular use at the customer in the quarter.",
        "Customer plant operations",
    ),
    _metric(
        "innovation_pipeline", "Innovation pipeline", S, "ideas", HIGHER, "5", "40", "0", BOTH,
        "Future topics on the joint short or long list that both firms scored, at quarter end.",
        "Future topics of the relationship",
    ),
    _metric(
        "executive_meetings", "Executive meetings held", S, "meetings", HIGHER, "1", None, "0", BOTH,
        "Meetings in the quarter attended by at least one executive sponsor of each firm.",
        "Meeting records of the relationship",
    ),
    _metric(
        "water_saved_m3", "Water saved at customer sites", S, "m³", HIGHER, "50000", "20", "1000", THEIRS,
        "Fresh-water intake avoided in the quarter versus the agreed baseline, measured at the customer's meters.",
        "Customer site water meters; our treatment program reports",
    ),
    _metric(
        "share_of_wallet", "Share of wallet", S, "%", HIGHER, "40", "12.5", "2", OURS,
        "Our invoiced sales ÷ the customer's total spend on water treatment chemicals and services × 100.",
        "Our sales figures; the customer's category spend (shared yearly)",
    ),
]
# fmt: on

assert len(METRIC_TEMPLATES) == 14 and len({m["key"] for m in METRIC_TEMPLATES}) == 14
