"""Isolation registry of the results area, pages and API (merged by tests/test_isolation.py).

The results pages, the CSV import and export, the scorecard's grid and a result all belong to
account X's relationship in world A (account-bound: A's customer of account Y gets 404, A's customer
of X sees them).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from core import quarters
from dashboards import results, scorecards
from dashboards.models import QuarterlyResult, Scorecard
from dashboards.tests.isolation_scorecards import rel, scorecard_id, scorecard_relationship


def _rel_quarter(world: Any) -> dict[str, str]:
    return {"pk": str(scorecard_relationship(world).pk), "quarter": quarters.current()}


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
    "scorecard-results": (_rel_quarter, True),
    "scorecard-import": (rel, True),
    "scorecard-export": (rel, True),
    "api-scorecard-grid": (scorecard_id, True),
    "api-scorecard-import": (scorecard_id, True),
    "api-scorecard-export": (scorecard_id, True),
    "api-result-detail": (_result, True),
}
