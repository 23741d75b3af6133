"""Isolation registry of selection and coaching (pages and API).

The score page, a selection score and the project's ``score`` API action belong to account X
(account-bound: its customer may open them, the customer of account Y gets 404). Coaching pages and
endpoints are internal only (customers get 403, tested in test_coaching.py), so not account-bound.
"""

from __future__ import annotations

from typing import Any

from projects import coaching, selection
from projects.models import CoachExpertise, Project, SelectionScore
from projects.tests.factories import area_for, project_for


def _project(world: Any) -> Project:
    with world.context():
        existing = Project.objects.filter(title="Isolation selection").first()
    return existing or project_for(world, title="Isolation selection")


def _pk(world: Any) -> dict[str, str]:
    return {"pk": str(_project(world).pk)}


def _id(world: Any) -> dict[str, str]:
    return {"id": str(_project(world).pk)}


def _score(world: Any) -> dict[str, str]:
    project = _project(world)
    with world.context():
        score = SelectionScore.objects.filter(project=project).first() or selection.score_submit(
            actor=world.rep, project=project, customer_value=4, buy_in=3, durability=3, effort=2, data_availability=4
        )
        return {"id": str(score.pk)}


def _coach(world: Any) -> dict[str, str]:
    return {"member_pk": str(world.member("coach").pk)}


def _expertise(world: Any) -> dict[str, str]:
    area = area_for(world, "Isolation area")
    coach = world.member("coach")
    with world.context():
        row = CoachExpertise.objects.filter(coach=coach, area=area).first()
        if row is None:
            coaching.expertise_set(actor=coach, coach=coach, areas=[area])
            row = CoachExpertise.objects.get(coach=coach, area=area)
        return {"id": str(row.pk)}


OBJECT_ROUTES = {
    "score": (_pk, True),
    "coach-expertise": (_coach, False),
    "coach-assign": (_pk, False),
    "api-selection-score-detail": (_score, True),
    "api-coach-expertise-detail": (_expertise, False),
    "api-project-score": (_id, True),
    "api-project-coach-suggestions": (_id, False),
    "api-project-assign-coach": (_id, False),
}

ROUTE_ROLES = {"settings": "admin"}
