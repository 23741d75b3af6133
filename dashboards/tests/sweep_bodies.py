"""Valid bodies of the dashboards routes for the bad-input sweep (merged by tests/test_bad_input_sweep.py).

``VALID_BODIES``: route → world → a valid body (API JSON or page form), for write routes whose own GET
does not show one: creates, the metrics and rating actions, and the pages whose forms open only with
``?add=1``. The sweep swaps one field at a time inside it so bad values reach the services.
``SWEEP_ROLES``: route → the role that really writes there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core import quarters
from dashboards.ratings import ensure_rating_dimensions
from dashboards.scorecards import ensure_metric_templates
from dashboards.tests.isolation_scorecards import scorecard_id
from partnering.tests.factories import relationship_for


def definition(key: str, name: str) -> dict[str, Any]:
    return {
        "key": key,
        "name": name,
        "category": "basic",
        "unit": "%",
        "direction": "higher",
        "goal": "95",
        "yellow_band_pct": "5",
        "tolerance": "0.5",
        "basis_of_calculation": "Delivered on time / delivered",
        "data_source": "ERP",
        "figure_owner": "both",
        "position": 40,
    }


def _new_scorecard(world: Any) -> dict[str, Any]:
    relationship = relationship_for(world, account=world.account_y, business_unit="Sweep scorecards")
    return {"relationship": str(relationship.pk), "valid_from": quarters.current(), "change_note": "First"}


def _result(world: Any) -> dict[str, Any]:
    with world.context():
        key = ensure_metric_templates()[0].key
    return {
        "scorecard": scorecard_id(world)["id"],
        "metric_key": key,
        "quarter": quarters.shift(quarters.current(), -1),
        "supplier_value": "12.5",
        "note": "From the ERP",
    }


def _rating(world: Any) -> dict[str, Any]:
    with world.context():
        dimensions = [d for d in ensure_rating_dimensions() if d.active]
    return {
        "scores": [{"dimension": str(d.pk), "color": 4, "comment": "Fine"} for d in dimensions],
        "overall": 4,
        "avoid_stall": "Meet every month",
    }


def _rating_form(world: Any) -> dict[str, Any]:
    with world.context():
        dimensions = [d for d in ensure_rating_dimensions() if d.active]
    colors = {f"color_{d.pk}": "4" for d in dimensions}
    comments = {f"comment_{d.pk}": "Fine" for d in dimensions}
    return {**colors, **comments, "overall": "4", "avoid_stall": "Meet every month", "row_version": "0"}


VALID_BODIES: dict[str, Callable[[Any], dict[str, Any]]] = {
    # API
    "api-metric-template-list": lambda _world: {**definition("sweep-template", "Sweep template"), "active": True},
    "api-scorecard-list": _new_scorecard,
    "api-scorecard-metrics": lambda _world: {
        **definition("sweep-metric", "Sweep metric"),
        "valid_from": quarters.current(),
        "change_note": "Added",
    },
    "api-result-list": _result,
    "api-rating-dimension-list": lambda _world: {
        "name": "Sweep dimension",
        "description": "How we sweep",
        "position": 90,
        "active": True,
    },
    "api-rating-mine": _rating,
    # pages
    "scorecard-definitions": lambda _world: {"op": "add", **definition("sweep-page-metric", "Sweep page metric")},
    "metric-templates": lambda _world: {"op": "add", **definition("sweep-page-template", "Sweep page"), "active": "on"},
    "rating-edit": _rating_form,
}

SWEEP_ROLES = {
    "api-rating-submission": "champion",
    "api-scorecard-agree": "champion",
    "scorecard-agree": "champion",
}
