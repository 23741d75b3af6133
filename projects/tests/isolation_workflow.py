"""Isolation registry of the workflow pages and API (tollgates, checklists, waiting, cancel, credit,
notifications).

Write pages (submit, decide, waiting, cancel, credit) are for our company's people only: they answer
404 to outsiders and to the customer of another account (lookup first) and 403 to the account's own
customer, so they are registered as not account-bound here and the customer cases are tested in
``test_workflow_views.py``. Reads a customer of the account may open are account-bound.
"""

from __future__ import annotations

from typing import Any

from projects import workflow
from projects.models import ChecklistItem, Notification, Phase, Project, ReviewDecision, TollgateReview, WaitingPeriod
from projects.tests.factories import project_for


def _project(world: Any) -> Project:
    with world.context():
        existing = Project.objects.filter(title="Isolation workflow").first()
    if existing is not None:
        return existing
    project = project_for(world, title="Isolation workflow")
    with world.context():
        workflow.tollgate_submit(actor=world.rep, project=project, summary="Go?")
        review = TollgateReview.objects.get(project=project)
        workflow.tollgate_decide(actor=world.member("coach"), review=review, decision="approve")
        project.refresh_from_db()
        assert project.phase == Phase.DEFINE
        workflow.tollgate_submit(actor=world.rep, project=project, summary="Define done")
        workflow.waiting_start(actor=world.rep, project=project, kind="data", reason="Historian export")
    return project


def _pk(world: Any) -> dict[str, str]:
    return {"pk": str(_project(world).pk)}


def _id(world: Any) -> dict[str, str]:
    return {"id": str(_project(world).pk)}


def _pending(world: Any) -> TollgateReview:
    project = _project(world)
    with world.context():
        return TollgateReview.objects.get(project=project, decision=ReviewDecision.PENDING)


def _review(world: Any) -> dict[str, str]:
    review = _pending(world)
    return {"pk": str(review.project_id), "review_pk": str(review.pk)}


def _review_id(world: Any) -> dict[str, str]:
    return {"id": str(_pending(world).pk)}


def _item(world: Any) -> ChecklistItem:
    project = _project(world)
    with world.context():
        return ChecklistItem.objects.filter(project=project).first()  # type: ignore[return-value]


def _item_pk(world: Any) -> dict[str, str]:
    item = _item(world)
    return {"pk": str(item.project_id), "item_pk": str(item.pk)}


def _item_id(world: Any) -> dict[str, str]:
    return {"id": str(_item(world).pk)}


def _period(world: Any) -> WaitingPeriod:
    project = _project(world)
    with world.context():
        return WaitingPeriod.objects.get(project=project, ended_on__isnull=True)


def _period_pk(world: Any) -> dict[str, str]:
    period = _period(world)
    return {"pk": str(period.project_id), "period_pk": str(period.pk)}


def _period_id(world: Any) -> dict[str, str]:
    return {"id": str(_period(world).pk)}


def _notification_id(world: Any) -> dict[str, str]:
    project = _project(world)
    with world.context():
        return {"id": str(Notification.objects.filter(project=project, recipient=world.rep).first().pk)}  # type: ignore[union-attr]


OBJECT_ROUTES = {
    # pages
    "tollgate-submit": (_pk, False),
    "tollgate-decide": (_review, False),
    "tollgate-withdraw": (_review, False),
    "checklist-add": (_pk, True),  # GET redirects to the project
    "checklist-toggle": (_item_pk, True),  # GET redirects to the project
    "waiting-start": (_pk, False),
    "waiting-end": (_period_pk, True),  # GET redirects to the project
    "cancel": (_pk, False),
    "credit": (_pk, False),
    # API
    "api-tollgate-review-detail": (_review_id, True),
    "api-tollgate-review-decide": (_review_id, False),
    "api-tollgate-review-withdraw": (_review_id, False),
    "api-checklist-item-detail": (_item_id, True),
    "api-waiting-period-detail": (_period_id, True),
    "api-waiting-period-end": (_period_id, False),
    "api-notification-detail": (_notification_id, False),
    "api-notification-read": (_notification_id, False),
    "api-project-cancel": (_id, False),
    "api-project-credit": (_id, False),
}

ROUTE_ROLES = {
    "checklist-templates": "admin",
    "tollgate-decide": "coach",
    "tollgate-withdraw": "rep",
    "api-tollgate-review-decide": "coach",
    "api-tollgate-review-withdraw": "rep",
}
