"""Isolation registry of the belts pages and API (merged by tests/test_isolation.py).

Belts are internal: no route is account-bound (customers of either account get 403 from the role
table, outsiders 404). The certify page is opened by a coach (a rep may not certify).
"""

from __future__ import annotations

from typing import Any

from projects import belts
from projects.models import BeltLevel, Certification


def cohort_for(world: Any, name: str = "Green wave 1") -> Any:
    with world.context():
        from projects.models import Cohort

        existing = Cohort.objects.filter(name=name).first()
        return existing or belts.cohort_create(actor=world.admin, name=name)


def candidate_for(world: Any, member: Any = None, *, target_belt: str = BeltLevel.GREEN) -> Any:
    cohort = cohort_for(world)
    member = member or world.rep
    with world.context():
        from projects.models import BeltCandidate

        existing = BeltCandidate.objects.filter(member=member, target_belt=target_belt).first()
        return existing or belts.candidate_add(actor=world.admin, member=member, cohort=cohort, target_belt=target_belt)


def _cohort(world: Any) -> dict[str, str]:
    return {"pk": str(cohort_for(world).pk)}


def _candidate(world: Any) -> dict[str, str]:
    return {"pk": str(candidate_for(world).pk)}


def _module(world: Any) -> dict[str, str]:
    with world.context():
        return {"id": str(belts.training_modules_ensure()[0].pk)}


def _certification(world: Any) -> dict[str, str]:
    with world.context():
        certification = Certification.objects.create(
            member=world.member("champion"), belt_level=BeltLevel.GREEN, signed_off_by=world.member("coach")
        )
    return {"id": str(certification.pk)}


def _id(fill: Any) -> Any:
    return lambda world: {"id": fill(world)["pk"]}


OBJECT_ROUTES = {
    "cohort-detail": (_cohort, False),
    "candidate-detail": (_candidate, False),
    "certify": (_candidate, False),
    "api-cohort-detail": (_id(_cohort), False),
    "api-belt-candidate-detail": (_id(_candidate), False),
    "api-belt-candidate-complete-module": (_id(_candidate), False),
    "api-belt-candidate-certify": (_id(_candidate), False),
    "api-training-module-detail": (_module, False),
    "api-certification-detail": (_certification, False),
}

ROUTE_ROLES = {"certify": "coach", "cohort-create": "coach", "candidate-create": "coach"}
