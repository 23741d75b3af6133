"""Isolation registry of the scorecard API (merged by tests/test_isolation.py).

Scorecards, their sub-routes and results belong to account X's relationship in world A
(account-bound: A's customer of account Y gets 404, A's customer of X sees them). Metric templates
are tenant-wide definitions without an account: customers never see them (404), so not account-bound.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from core import quarters
from dashboards import results, scorecards
from dashboards.models import MetricTemplate, QuarterlyResult, Scorecard
from dashboards.tests.isolation_scorecards import scorecard_relationship


def _scorecard(world: Any) -> dict[str, str]:
    relationship = scorecard_relationship(world)
    with world.context():
        return {"id": str(Scorecard.objects.get(relationship=relationship).pk)}


def _metric(world: Any) -> dict[str, str]:
    ids = _scorecard(world)
    with world.context():
        key = scorecards.ensure_metric_templates()[0].key
    return {**ids, "key": key}


def _template(world: Any) -> dict[str, str]:
    with world.context():
        scorecards.ensure_metric_templates()
        return {"id": str(MetricTemplate.objects.order_by("position").first().pk)}  # type: ignore[union-attr]


def _result(world: Any) -> dict[str, str]:
    relationship = scorecard_relationship(world)
    with world.context():
        scorecard = Scorecard.objects.get(relationship=relationship)
        quarter = quarters.current()
        existing = QuarterlyResult.objects.filter(scorecard=scorecard).first()
        if existing is None:
            key = scorecards.ensure_metric_templates()[0].key
            existing = results.result_record(
                actor=world.admin, scorecard=scorecard, metric_key=key, quarter=quarter, supplier_value=Decimal("1")
            )
        return {"id": str(existing.pk)}


OBJECT_ROUTES: dict[str, tuple[Callable[[Any], dict[str, str]], bool]] = {
    "api-metric-template-detail": (_template, False),
    "api-scorecard-detail": (_scorecard, True),
    "api-scorecard-versions": (_scorecard, True),
    "api-scorecard-metrics": (_scorecard, True),
    "api-scorecard-metric": (_metric, True),
    "api-scorecard-agree": (_scorecard, True),
    "api-scorecard-grid": (_scorecard, True),
    "api-scorecard-import": (_scorecard, True),
    "api-scorecard-export": (_scorecard, True),
    "api-result-detail": (_result, True),
}
