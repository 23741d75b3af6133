"""Isolation registry of the benefits pages and API (merged by tests/test_isolation.py).

Benefits belong to a project of account X in world A. The validate page and the API detail
routes are account-bound (A's customer of account Y gets 404; the sponsor, customer X, sees them);
the record/edit/delete pages are for our people only (customers get 403 before any lookup).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from projects import benefits
from projects.models import Benefit, Project
from projects.tests.factories import project_for

TITLE = "Isolation · benefits"


def isolation_project(world: Any, title: str = TITLE) -> Project:
    with world.context():
        existing = Project.objects.filter(title=title).first()
    return existing or project_for(world, title=title)


def _project(world: Any) -> dict[str, str]:
    return {"pk": str(isolation_project(world).pk)}


def _benefit_row(world: Any) -> Benefit:
    project = isolation_project(world)
    with world.context():
        existing = Benefit.objects.filter(project=project).first()
        if existing is not None:
            return existing
        return benefits.benefit_record(
            actor=world.rep,
            project=project,
            kind="hard_savings",
            description="Isolation benefit",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 6, 30),
            currency="EUR",
            estimated_amount=Decimal("100"),
        )


def _benefit(world: Any) -> dict[str, str]:
    benefit = _benefit_row(world)
    return {"pk": str(benefit.project_id), "benefit_pk": str(benefit.pk)}


def _api_benefit(world: Any) -> dict[str, str]:
    return {"id": str(_benefit_row(world).pk)}


OBJECT_ROUTES: dict[str, tuple[Callable[[Any], dict[str, str]], bool]] = {
    "benefit-create": (_project, False),
    "benefit-edit": (_benefit, False),
    "benefit-delete": (_benefit, False),
    "benefit-validate": (_benefit, True),
    "api-benefit-detail": (_api_benefit, True),
    "api-benefit-validate": (_api_benefit, True),
    "api-benefit-dispute": (_api_benefit, True),
}
