"""Isolation registry of the scorecards area, pages and API (merged by tests/test_isolation.py).

Each fill gives a relationship of customer account X in world A with a scorecard; every page and
scorecard endpoint is account-bound: A's customer of account Y gets 404, A's customer of X may open
it. The agree route answers a GET with a redirect to the definitions page; the templates page is for
admins. Metric templates are tenant-wide definitions without an account: customers never see them
(404), so not account-bound.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dashboards import scorecards
from dashboards.models import MetricTemplate, Scorecard
from partnering.tests.factories import relationship_for


def scorecard_relationship(world: Any) -> Any:
    """world's relationship of account X, with a scorecard (created once)."""
    relationship = relationship_for(world)
    with world.context():
        if not Scorecard.objects.filter(relationship=relationship).exists():
            scorecards.scorecard_create(actor=world.admin, relationship=relationship)
    return relationship


def rel(world: Any) -> dict[str, str]:
    return {"pk": str(scorecard_relationship(world).pk)}


def scorecard_id(world: Any) -> dict[str, str]:
    relationship = scorecard_relationship(world)
    with world.context():
        return {"id": str(Scorecard.objects.get(relationship=relationship).pk)}


def _metric(world: Any) -> dict[str, str]:
    ids = scorecard_id(world)
    with world.context():
        key = scorecards.ensure_metric_templates()[0].key
    return {**ids, "key": key}


def _template(world: Any) -> dict[str, str]:
    with world.context():
        scorecards.ensure_metric_templates()
        return {"id": str(MetricTemplate.objects.order_by("position").first().pk)}  # type: ignore[union-attr]


OBJECT_ROUTES: dict[str, tuple[Callable[[Any], dict[str, str]], bool]] = {
    "scorecard": (rel, True),
    "scorecard-definitions": (rel, True),
    "scorecard-agree": (rel, True),
    "api-metric-template-detail": (_template, False),
    "api-scorecard-detail": (scorecard_id, True),
    "api-scorecard-versions": (scorecard_id, True),
    "api-scorecard-metrics": (scorecard_id, True),
    "api-scorecard-metric": (_metric, True),
    "api-scorecard-agree": (scorecard_id, True),
}

ROUTE_ROLES: dict[str, str] = {"metric-templates": "admin"}
