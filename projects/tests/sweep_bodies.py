"""Valid bodies of the projects routes for the bad-input sweep (merged by tests/test_bad_input_sweep.py).

``VALID_BODIES``: route → world → a valid body, for write routes whose own GET does not show one
(create routes, actions); the sweep swaps one field at a time inside it so bad values reach the
services. ``SWEEP_ROLES``: route → the role that really writes there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from projects import belts
from projects.tests.factories import area_for
from projects.tests.isolation_belts import cohort_for
from projects.tests.isolation_projects import _project
from projects.tests.isolation_workflow import _project as workflow_project

SCORES = {"customer_value": 4, "buy_in": 3, "durability": 3, "effort": 2, "data_availability": 4}


def _project_id(world: Any) -> str:
    return str(_project(world).pk)


def _coach(world: Any) -> str:
    return str(world.member("coach").pk)


def _complete_module(world: Any) -> dict[str, Any]:
    with world.context():
        module = next(m for m in belts.training_modules_ensure() if m.belt_level == "green")
    return {"module": str(module.pk), "completed_on": "2026-06-01", "done": True}


def _checklist_item(world: Any) -> dict[str, Any]:
    return {"project": str(workflow_project(world).pk), "phase": "define", "title": "Extra deliverable"}


VALID_BODIES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "api-belt-candidate-certify": lambda _world: {"certified_on": "2026-06-01", "note": "Signed off"},
    "api-belt-candidate-complete-module": _complete_module,
    "api-belt-candidate-list": lambda world: {
        "member": str(world.member("champion").pk),
        "cohort": str(cohort_for(world).pk),
        "target_belt": "green",
        "joined_on": "2026-01-01",
    },
    "api-benefit-dispute": lambda _world: {"comment": "Not what we measured"},
    "api-benefit-validate": lambda _world: {"validated_amount": "50.00", "comment": "Confirmed"},
    "api-checklist-item-list": _checklist_item,
    "api-coach-expertise-list": lambda world: {
        "coach": _coach(world),
        "area": str(area_for(world, "Sweep area").pk),
        "note": "Pumps",
    },
    "api-cohort-list": lambda world: {
        "name": "Sweep wave",
        "belt_level": "green",
        "starts_on": "2026-01-01",
        "ends_on": "2026-06-30",
        "coach": _coach(world),
    },
    "api-project-assign-coach": lambda world: {"coach": _coach(world)},
    "api-project-cancel": lambda _world: {"reason": "Customer reorganised"},
    "api-project-comment-list": lambda world: {"project": _project_id(world), "body": "Hello", "internal_only": False},
    "api-project-credit": lambda _world: {"owner": "both", "note": "Agreed"},
    "api-project-feedback-list": lambda world: {
        "project": _project_id(world),
        "phase": "candidate",
        "satisfaction": 4,
        "what_worked": "Data",
        "what_to_change": "Pace",
    },
    "api-project-list": lambda world: {
        "customer_account": str(world.account_x.pk),
        "title": "Sweep project",
        "problem_statement": "Too much waste.",
        "belt_level": "green",
        "lead": str(world.rep.pk),
    },
    "api-project-score": lambda _world: dict(SCORES),
    "api-project-team": lambda _world: {"contacts": []},
    "api-selection-score-list": lambda world: {"project": _project_id(world), **SCORES},
    "api-tollgate-review-decide": lambda _world: {"decision": "approve", "comments": "Good"},
    "api-tollgate-review-list": lambda world: {"project": _project_id(world), "summary": "Ready"},
    "api-training-module-list": lambda _world: {
        "belt_level": "green",
        "name": "Sweep module",
        "position": 5,
        "is_required": True,
    },
    "api-waiting-period-end": lambda _world: {"ended_on": "2026-06-01"},
    "api-waiting-period-list": lambda world: {
        "project": _project_id(world),
        "kind": "data",
        "reason": "Export",
        "expected_end_on": "2026-12-31",
    },
}

SWEEP_ROLES = {
    "api-belt-candidate-certify": "coach",
    "api-benefit-validate": "customer_x",
    "api-benefit-dispute": "customer_x",
    "api-project-feedback-list": "customer_x",
    "benefit-validate": "customer_x",
    "feedback-create": "customer_x",
}
