"""Workflow API: tollgate reviews (submit, decide), checklist items, waiting periods, project
cancel/credit actions. A rep (the lead) approving is a 403, bad input a 400 with field errors,
customers read their account's rows but cannot write (403), and other accounts/tenants get 404."""

from __future__ import annotations

import pytest

from projects import workflow
from projects.models import ChecklistItem, CreditOwner, Phase, Project, ReviewDecision, TollgateReview, WaitingPeriod
from projects.tests.factories import project_for
from projects.tests.test_workflow import advance


def api(world, rest: str) -> str:
    return f"/api/v1/t/{world.slug}/{rest}"


def state(world, project) -> Project:
    with world.context():
        return Project.objects.get(pk=project.pk)


@pytest.fixture
def project(world_a):
    return project_for(world_a)


def test_submit_return_resubmit_approve_over_the_api(world_a, api_for, project):
    rep, coach = api_for(world_a.rep), api_for(world_a.member("coach"))
    response = rep.post(api(world_a, "tollgate-reviews/"), {"project": str(project.pk), "summary": "Go?"})
    assert response.status_code == 201, response.content
    review_id = response.json()["id"]
    assert response.json()["decision"] == ReviewDecision.PENDING and response.json()["phase"] == Phase.CANDIDATE
    assert rep.post(api(world_a, "tollgate-reviews/"), {"project": str(project.pk)}).status_code == 400

    response = coach.post(api(world_a, f"tollgate-reviews/{review_id}/decide/"), {"decision": "return"})
    assert response.status_code == 400 and "comments" in response.json()["error"]["fields"]
    response = coach.post(api(world_a, f"tollgate-reviews/{review_id}/decide/"), {"decision": "maybe"})
    assert response.status_code == 400 and "decision" in response.json()["error"]["fields"]
    response = coach.post(
        api(world_a, f"tollgate-reviews/{review_id}/decide/"), {"decision": "return", "comments": "Add data"}
    )
    assert response.status_code == 200 and response.json()["decision"] == ReviewDecision.RETURNED

    second = rep.post(api(world_a, "tollgate-reviews/"), {"project": str(project.pk), "summary": "With data"}).json()
    response = coach.post(api(world_a, f"tollgate-reviews/{second['id']}/decide/"), {"decision": "approve"})
    assert response.status_code == 200
    assert state(world_a, project).phase == Phase.DEFINE
    listed = rep.get(api(world_a, f"tollgate-reviews/?project={project.pk}")).json()["results"]
    assert [r["decision"] for r in listed] == [ReviewDecision.APPROVED, ReviewDecision.RETURNED]


def test_a_rep_cannot_approve_over_the_api(world_a, api_for, project):
    with world_a.context():
        review = workflow.tollgate_submit(actor=world_a.rep, project=project)
    for member in (world_a.rep, world_a.admin, world_a.member("champion")):
        response = api_for(member).post(api(world_a, f"tollgate-reviews/{review.pk}/decide/"), {"decision": "approve"})
        assert response.status_code == 403, member.role
    assert state(world_a, project).phase == Phase.CANDIDATE
    with world_a.context():
        assert TollgateReview.objects.get(pk=review.pk).decision == ReviewDecision.PENDING


def test_a_phase_in_a_project_patch_does_not_move_it(world_a, api_for, project):
    response = api_for(world_a.rep).patch(api(world_a, f"projects/{project.pk}/"), {"phase": "control"})
    assert response.status_code in (200, 400)
    assert state(world_a, project).phase == Phase.CANDIDATE


def test_improve_approval_needs_settled_credit(world_a, api_for, project):
    project = advance(world_a, project, Phase.IMPROVE)
    with world_a.context():
        Project.objects.filter(pk=project.pk).update(credit_owner=CreditOwner.UNSETTLED)
        review = workflow.tollgate_submit(actor=world_a.rep, project=state(world_a, project))
    coach = api_for(world_a.member("coach"))
    response = coach.post(api(world_a, f"tollgate-reviews/{review.pk}/decide/"), {"decision": "approve"})
    assert response.status_code == 400 and "credit_owner" in response.json()["error"]["fields"]
    assert coach.post(api(world_a, f"projects/{project.pk}/credit/"), {"owner": "unsettled"}).status_code == 400
    response = coach.post(api(world_a, f"projects/{project.pk}/credit/"), {"owner": "supplier", "note": "GB"})
    assert response.status_code == 200 and response.json()["credit_owner"] == "supplier"
    assert coach.post(api(world_a, f"tollgate-reviews/{review.pk}/decide/"), {"decision": "approve"}).status_code == 200
    assert state(world_a, project).phase == Phase.CONTROL


def test_cancel_over_the_api(world_a, api_for, project):
    rep = api_for(world_a.rep)
    response = rep.post(api(world_a, f"projects/{project.pk}/cancel/"), {"reason": ""})
    assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]
    assert (
        api_for(world_a.member("executive"))
        .post(api(world_a, f"projects/{project.pk}/cancel/"), {"reason": "x"})
        .status_code
        == 403
    )
    assert state(world_a, project).phase == Phase.CANDIDATE
    response = rep.post(api(world_a, f"projects/{project.pk}/cancel/"), {"reason": "Plant closing"})
    assert response.status_code == 200 and response.json()["phase"] == Phase.CANCELLED


def test_waiting_over_the_api(world_a, api_for, project):
    rep = api_for(world_a.rep)
    body = {"project": str(project.pk), "kind": "data", "reason": "Historian"}
    assert rep.post(api(world_a, "waiting-periods/"), {**body, "reason": ""}).status_code == 400
    assert rep.post(api(world_a, "waiting-periods/"), {**body, "kind": "nap"}).status_code == 400
    assert rep.post(api(world_a, "waiting-periods/"), {**body, "expected_end_on": "2001-01-01"}).status_code == 400
    assert rep.post(api(world_a, "waiting-periods/"), {**body, "project": "nope"}).status_code == 400
    created = rep.post(api(world_a, "waiting-periods/"), body)
    assert created.status_code == 201
    second = rep.post(api(world_a, "waiting-periods/"), {**body, "kind": "customer_approval"})
    assert second.status_code == 400 and "kind" in second.json()["error"]["fields"]
    period_id = created.json()["id"]
    assert rep.post(api(world_a, f"waiting-periods/{period_id}/end/"), {"ended_on": "2001-01-01"}).status_code == 400
    response = rep.post(api(world_a, f"waiting-periods/{period_id}/end/"), {})
    assert response.status_code == 200 and response.json()["ended_on"]
    assert state(world_a, project).waiting_kind == ""


def test_checklist_items_over_the_api(world_a, api_for, project, django_assert_max_num_queries):
    rep = api_for(world_a.rep)
    rows = rep.get(api(world_a, f"checklist-items/?project={project.pk}&phase=define")).json()["results"]
    assert rows and all(r["phase"] == "define" for r in rows)
    item_id = rows[0]["id"]
    response = rep.patch(api(world_a, f"checklist-items/{item_id}/"), {"done": True})
    assert response.status_code == 200 and response.json()["done"] and response.json()["done_by"] == str(world_a.rep.pk)
    response = rep.patch(api(world_a, f"checklist-items/{item_id}/"), {"title": "Renamed"})
    assert response.status_code == 400 and "title" in response.json()["error"]["fields"]
    assert rep.patch(api(world_a, f"checklist-items/{item_id}/"), {"done": "perhaps"}).status_code == 400
    response = rep.post(api(world_a, "checklist-items/"), {"project": str(project.pk), "phase": "closed", "title": "x"})
    assert response.status_code == 400 and "phase" in response.json()["error"]["fields"]
    response = rep.post(
        api(world_a, "checklist-items/"), {"project": str(project.pk), "phase": "measure", "title": "MSA"}
    )
    assert response.status_code == 201
    client = api_for(world_a.rep)
    client.get(api(world_a, "checklist-items/"))
    with django_assert_max_num_queries(8):
        assert client.get(api(world_a, f"checklist-items/?project={project.pk}")).status_code == 200


def test_customers_read_but_never_write(world_a, api_for, project):
    with world_a.context():
        review = workflow.tollgate_submit(actor=world_a.rep, project=project)
        period = workflow.waiting_start(actor=world_a.rep, project=project, kind="data", reason="x")
        item = ChecklistItem.objects.filter(project=project).first()
    x, y = api_for(world_a.customer_x), api_for(world_a.customer_y)
    assert x.get(api(world_a, f"tollgate-reviews/{review.pk}/")).status_code == 200
    assert x.get(api(world_a, f"checklist-items/?project={project.pk}")).json()["count"] > 0
    assert x.get(api(world_a, f"waiting-periods/{period.pk}/")).status_code == 200
    assert x.post(api(world_a, "tollgate-reviews/"), {"project": str(project.pk)}).status_code == 403
    assert x.post(api(world_a, f"tollgate-reviews/{review.pk}/decide/"), {"decision": "approve"}).status_code == 403
    assert x.patch(api(world_a, f"checklist-items/{item.pk}/"), {"done": True}).status_code == 403
    assert x.post(api(world_a, f"waiting-periods/{period.pk}/end/"), {}).status_code == 403
    assert x.post(api(world_a, f"projects/{project.pk}/cancel/"), {"reason": "x"}).status_code == 403
    assert x.post(api(world_a, f"projects/{project.pk}/credit/"), {"owner": "both"}).status_code == 403
    # the other account's customer sees nothing of it
    assert y.get(api(world_a, f"tollgate-reviews/{review.pk}/")).status_code == 404
    assert y.post(api(world_a, f"tollgate-reviews/{review.pk}/decide/"), {"decision": "approve"}).status_code == 404
    assert y.patch(api(world_a, f"checklist-items/{item.pk}/"), {"done": True}).status_code == 404
    assert y.post(api(world_a, f"projects/{project.pk}/cancel/"), {"reason": "x"}).status_code == 404
    assert y.get(api(world_a, f"tollgate-reviews/?project={project.pk}")).json()["count"] == 0
    with world_a.context():
        assert TollgateReview.objects.get(pk=review.pk).decision == ReviewDecision.PENDING
        assert WaitingPeriod.objects.get(pk=period.pk).ended_on is None
        assert not ChecklistItem.objects.get(pk=item.pk).done
    assert state(world_a, project).phase == Phase.CANDIDATE


@pytest.mark.usefixtures("project")
def test_ids_of_another_tenant_are_refused(world_a, world_b, api_for, isolation):
    foreign = project_for(world_b)
    with world_b.context():
        foreign_review = workflow.tollgate_submit(actor=world_b.rep, project=foreign)
    rep = api_for(world_a.rep)
    response = rep.post(api(world_a, "tollgate-reviews/"), {"project": str(foreign.pk)})
    assert response.status_code == 400 and "project" in response.json()["error"]["fields"]
    coach = api_for(world_a.member("coach"))
    assert (
        coach.post(api(world_a, f"tollgate-reviews/{foreign_review.pk}/decide/"), {"decision": "approve"}).status_code
        == 404
    )
    isolation.assert_list_excludes(api(world_a, "tollgate-reviews/"), [foreign_review.pk])
