"""Workflow pages: tollgate submit/decide (a rep — the lead — can never approve), checklists,
waiting, cancel, credit, default checklists; customers get 403 on their account's projects and 404
on another account's; bad input is a form error (200), never a 500, and changes nothing."""

from __future__ import annotations

import pytest

from projects import workflow
from projects.models import (
    ChecklistItem,
    ChecklistTemplateItem,
    CreditOwner,
    Phase,
    Project,
    ReviewDecision,
    TollgateReview,
    WaitingPeriod,
)
from projects.tests.factories import project_for
from projects.tests.test_workflow import advance


def url(world, project, rest: str = "") -> str:
    return f"/t/{world.slug}/projects/{project.pk}/{rest}"


def state(world, project) -> Project:
    with world.context():
        return Project.objects.get(pk=project.pk)


def pending(world, project) -> TollgateReview:
    with world.context():
        return TollgateReview.objects.get(project=project, decision=ReviewDecision.PENDING)


@pytest.fixture
def project(world_a):
    return project_for(world_a)


def test_lead_submits_coach_returns_lead_resubmits_coach_approves(world_a, client_for, project):
    rep, coach = client_for(world_a.rep), client_for(world_a.member("coach"))
    page = rep.get(url(world_a, project, "tollgate/"))
    assert page.status_code == 200 and "Submit the Candidate tollgate" in page.content.decode()
    response = rep.post(url(world_a, project, "tollgate/"), {"summary": "Scored with the customer"})
    assert response.status_code == 302 and response["Location"].startswith(url(world_a, project))
    review = pending(world_a, project)

    decide = url(world_a, project, f"tollgate/{review.pk}/decide/")
    assert coach.get(decide).status_code == 200
    # return without comments: a form error, nothing changes
    response = coach.post(decide, {"decision": "return", "comments": ""})
    assert response.status_code == 200 and "comments" in response.context["form"].errors
    assert pending(world_a, project).pk == review.pk
    response = coach.post(decide, {"decision": "return", "comments": "Quantify the losses"})
    assert response.status_code == 302
    assert not state(world_a, project).tollgate_pending

    detail = rep.get(url(world_a, project))
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "Quantify the losses" in body and "Returned" in body

    assert rep.post(url(world_a, project, "tollgate/"), {"summary": "Quantified"}).status_code == 302
    second = pending(world_a, project)
    response = coach.post(url(world_a, project, f"tollgate/{second.pk}/decide/"), {"decision": "approve"})
    assert response.status_code == 302
    assert state(world_a, project).phase == Phase.DEFINE
    body = coach.get(url(world_a, project)).content.decode()
    history = body[body.index('data-testid="review-history"') :]
    assert history.index("Returned") < history.index("Approved")  # oldest first


def test_a_rep_who_leads_cannot_approve(world_a, client_for, project):
    with world_a.context():
        review = workflow.tollgate_submit(actor=world_a.rep, project=project)
    rep = client_for(world_a.rep)
    decide = url(world_a, project, f"tollgate/{review.pk}/decide/")
    assert rep.post(decide, {"decision": "approve"}).status_code == 403
    # another internal who is not the coach (here: an admin) cannot decide either
    assert client_for(world_a.admin).post(decide, {"decision": "approve"}).status_code == 403
    assert client_for(world_a.member("champion")).post(decide, {"decision": "approve"}).status_code == 403
    assert state(world_a, project).phase == Phase.CANDIDATE
    assert pending(world_a, project).pk == review.pk


def test_submit_twice_and_open_deliverables(world_a, client_for, project):
    project = advance(world_a, project, Phase.DEFINE)
    rep = client_for(world_a.rep)
    page = rep.get(url(world_a, project, "tollgate/"))
    assert page.context["open_items"] and 'data-testid="open-deliverables"' in page.content.decode()
    response = rep.post(url(world_a, project, "tollgate/"), {"summary": "Done"})
    assert response.status_code == 200 and "submit_anyway" in response.context["form"].errors
    assert not state(world_a, project).tollgate_pending
    assert rep.post(url(world_a, project, "tollgate/"), {"summary": "Done", "submit_anyway": "on"}).status_code == 302
    response = rep.post(url(world_a, project, "tollgate/"), {"summary": "Again", "submit_anyway": "on"})
    assert response.status_code == 200 and "already awaiting" in str(response.context["form"].errors)
    with world_a.context():
        assert TollgateReview.objects.filter(project=project, phase=Phase.DEFINE).count() == 1


def test_approve_improve_with_unsettled_credit_is_an_error(world_a, client_for, project):
    project = advance(world_a, project, Phase.IMPROVE)
    with world_a.context():
        Project.objects.filter(pk=project.pk).update(credit_owner=CreditOwner.UNSETTLED)
        review = workflow.tollgate_submit(actor=world_a.rep, project=state(world_a, project))
    coach = client_for(world_a.member("coach"))
    response = coach.post(url(world_a, project, f"tollgate/{review.pk}/decide/"), {"decision": "approve"})
    assert response.status_code == 200
    assert "belt credit" in str(response.context["form"].non_field_errors())
    assert state(world_a, project).phase == Phase.IMPROVE
    # settle it through the credit page, then approve
    assert coach.get(url(world_a, project, "credit/")).status_code == 200
    assert coach.post(url(world_a, project, "credit/"), {"owner": "unsettled"}).status_code == 200
    assert coach.post(url(world_a, project, "credit/"), {"owner": "both", "note": "Shared"}).status_code == 302
    assert (
        coach.post(url(world_a, project, f"tollgate/{review.pk}/decide/"), {"decision": "approve"}).status_code == 302
    )
    assert state(world_a, project).phase == Phase.CONTROL


def test_cancel_page(world_a, client_for, project):
    rep = client_for(world_a.rep)
    assert rep.get(url(world_a, project, "cancel/")).status_code == 200
    response = rep.post(url(world_a, project, "cancel/"), {"reason": "", "confirm": "on"})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    response = rep.post(url(world_a, project, "cancel/"), {"reason": "Budget cut"})  # not confirmed
    assert response.status_code == 200 and "confirm" in response.context["form"].errors
    assert state(world_a, project).phase == Phase.CANDIDATE
    assert (
        client_for(world_a.member("champion"))
        .post(url(world_a, project, "cancel/"), {"reason": "x", "confirm": "on"})
        .status_code
        == 403
    )
    assert rep.post(url(world_a, project, "cancel/"), {"reason": "Budget cut", "confirm": "on"}).status_code == 302
    project = state(world_a, project)
    assert project.phase == Phase.CANCELLED and project.cancel_reason == "Budget cut"


def test_waiting_pages(world_a, client_for, project):
    rep = client_for(world_a.rep)
    assert rep.get(url(world_a, project, "waiting/")).status_code == 200
    response = rep.post(url(world_a, project, "waiting/"), {"kind": "data", "reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    response = rep.post(
        url(world_a, project, "waiting/"), {"kind": "data", "reason": "x", "expected_end_on": "2001-01-01"}
    )
    assert response.status_code == 200 and "expected_end_on" in response.context["form"].errors
    response = rep.post(
        url(world_a, project, "waiting/"), {"kind": "data", "reason": "x", "expected_end_on": "2030-02-31"}
    )
    assert response.status_code == 200 and "expected_end_on" in response.context["form"].errors
    assert rep.post(url(world_a, project, "waiting/"), {"kind": "data", "reason": "Historian"}).status_code == 302
    response = rep.post(url(world_a, project, "waiting/"), {"kind": "customer_approval", "reason": "Sign-off"})
    assert response.status_code == 200 and "already waiting" in str(response.context["form"].errors)
    with world_a.context():
        period = WaitingPeriod.objects.get(project=project)
    assert state(world_a, project).waiting_kind == "data"
    assert rep.post(url(world_a, project, f"waiting/{period.pk}/end/")).status_code == 302
    assert state(world_a, project).waiting_kind == ""
    body = rep.get(url(world_a, project)).content.decode()
    assert 'data-testid="waited-days"' in body and "Historian" in body


def test_checklist_toggle_and_add_pages(world_a, client_for, project):
    project = advance(world_a, project, Phase.DEFINE)
    with world_a.context():
        item = ChecklistItem.objects.filter(project=project, phase=Phase.DEFINE).first()
    rep = client_for(world_a.rep)
    assert rep.post(url(world_a, project, f"checklist/{item.pk}/"), {"done": "1"}).status_code == 302
    with world_a.context():
        item.refresh_from_db()
        assert item.done and item.done_by_id == world_a.rep.pk
    assert rep.post(url(world_a, project, "checklist/"), {"phase": "measure", "title": "MSA"}).status_code == 302
    assert rep.post(url(world_a, project, "checklist/"), {"phase": "closed", "title": "x"}).status_code == 302
    with world_a.context():
        assert ChecklistItem.objects.filter(project=project, title="MSA").count() == 1
        assert not ChecklistItem.objects.filter(project=project, title="x").exists()
    # an item of another project through this project's URL is a 404
    other = project_for(world_a, title="Other")
    with world_a.context():
        foreign_item = ChecklistItem.objects.filter(project=other).first()
    assert rep.post(url(world_a, project, f"checklist/{foreign_item.pk}/"), {"done": "1"}).status_code == 404


def test_customers_get_403_on_their_account_and_404_on_another(world_a, client_for, project):
    with world_a.context():
        review = workflow.tollgate_submit(actor=world_a.rep, project=project)
    x, y = client_for(world_a.customer_x), client_for(world_a.customer_y)
    posts = {
        "tollgate/": {"summary": "x"},
        f"tollgate/{review.pk}/decide/": {"decision": "approve"},
        "waiting/": {"kind": "data", "reason": "x"},
        "cancel/": {"reason": "x", "confirm": "on"},
        "credit/": {"owner": "both"},
    }
    for rest, data in posts.items():
        assert x.post(url(world_a, project, rest), data).status_code == 403, rest
        assert y.post(url(world_a, project, rest), data).status_code == 404, rest
        assert y.get(url(world_a, project, rest)).status_code == 404, rest
    assert state(world_a, project).phase == Phase.CANDIDATE
    # the customer of the account sees the review history on the project page, without buttons
    body = x.get(url(world_a, project)).content.decode()
    assert 'data-testid="review-history"' in body and "Submit Candidate for review" not in body


def test_unknown_and_foreign_ids_are_404(world_a, world_b, client_for, project):
    foreign = project_for(world_b)
    rep = client_for(world_a.rep)
    assert rep.get(f"/t/{world_a.slug}/projects/{foreign.pk}/tollgate/").status_code == 404
    with world_b.context():
        foreign_review = workflow.tollgate_submit(actor=world_b.rep, project=foreign)
    coach = client_for(world_a.member("coach"))
    assert (
        coach.post(url(world_a, project, f"tollgate/{foreign_review.pk}/decide/"), {"decision": "approve"}).status_code
        == 404
    )


def test_checklist_templates_page(world_a, client_for):
    admin = client_for(world_a.admin)
    page_url = f"/t/{world_a.slug}/projects/settings/checklists/"
    assert client_for(world_a.rep).get(page_url).status_code == 403
    assert admin.get(page_url).status_code == 200
    assert (
        admin.post(page_url, {"op": "add", "phase": "define", "title": "Kick-off with the sponsor"}).status_code == 302
    )
    response = admin.post(page_url, {"op": "add", "phase": "define", "title": ""})
    assert response.status_code == 200 and "title" in response.context["add_form"].errors
    with world_a.context():
        item = ChecklistTemplateItem.objects.get(title="Kick-off with the sponsor")
    assert admin.post(page_url, {"op": "rename", "item": str(item.pk), "title": "Kick-off"}).status_code == 302
    assert admin.post(page_url, {"op": "up", "item": str(item.pk)}).status_code == 302
    assert admin.post(page_url, {"op": "deactivate", "item": str(item.pk)}).status_code == 302
    assert admin.post(page_url, {"op": "rename", "item": "nope", "title": "x"}).status_code == 302
    with world_a.context():
        item.refresh_from_db()
        assert item.title == "Kick-off" and not item.is_active
        positions = list(ChecklistTemplateItem.objects.filter(phase="define").values_list("position", flat=True))
        assert sorted(positions) == list(range(len(positions)))


def test_project_page_workflow_panel_runs_a_fixed_number_of_queries(world_a, client_for, project):
    """The page's query count does not grow with reviews, deliverables or waiting periods."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    coach = world_a.member("coach")
    client = client_for(world_a.rep)
    client.get(url(world_a, project))  # warm the session

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(world_a, project)).status_code == 200
        return len(queries)

    def add_round(i: int) -> None:
        with world_a.context():
            review = workflow.tollgate_submit(actor=world_a.rep, project=state(world_a, project))
            workflow.tollgate_decide(actor=coach, review=review, decision="return", comments=f"Round {i}")
            period = workflow.waiting_start(actor=world_a.rep, project=project, kind="data", reason=f"Wait {i}")
            workflow.waiting_end(actor=world_a.rep, period=period)
            workflow.checklist_item_add(actor=world_a.rep, project=project, phase="define", title=f"Extra {i}")

    add_round(0)
    small = count()
    for i in range(1, 6):
        add_round(i)
    assert count() == small
    body = client.get(url(world_a, project)).content.decode()
    assert body.count("wf-review-returned") == 6
