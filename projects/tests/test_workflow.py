"""Workflow services: tollgates (submit, return, resubmit, approve), the who-rules, checklists,
waiting, cancel, belt credit and the time-in-phase figures of the project page's panel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from projects import workflow
from projects.models import (
    ChecklistItem,
    ChecklistTemplateItem,
    CreditOwner,
    Notification,
    Phase,
    PhaseVisit,
    Project,
    ProjectActivity,
    ReviewDecision,
    TollgateReview,
    WaitingPeriod,
)
from projects.tests.factories import project_for


def fresh(world, project: Project) -> Project:
    with world.context():
        return Project.objects.get(pk=project.pk)


def advance(world, project: Project, to: str) -> Project:
    """Walk ``project`` through approved tollgates until it is in phase ``to``."""
    coach = world.member("coach")
    with world.context():
        project = Project.objects.get(pk=project.pk)
        while project.phase != to:
            if project.phase == Phase.IMPROVE and project.credit_owner == CreditOwner.UNSETTLED:
                workflow.credit_settle(actor=world.rep, project=project, owner=CreditOwner.BOTH)
            review = workflow.tollgate_submit(actor=world.rep, project=project)
            workflow.tollgate_decide(actor=coach, review=review, decision="approve")
            project = Project.objects.get(pk=project.pk)
    return project


@pytest.fixture
def project(world_a):
    return project_for(world_a)


def test_submit_return_resubmit_approve(world_a, project):
    coach = world_a.member("coach")
    with world_a.context():
        review = workflow.tollgate_submit(actor=world_a.rep, project=project, summary="Go/no-go")
        assert review.phase == Phase.CANDIDATE and review.decision == ReviewDecision.PENDING
        assert Project.objects.get(pk=project.pk).tollgate_pending
        assert Notification.objects.filter(recipient=coach, verb="tollgate.submitted").count() == 1

        returned = workflow.tollgate_decide(actor=coach, review=review, decision="return", comments="Quantify it")
        assert returned.decision == ReviewDecision.RETURNED and returned.comments == "Quantify it"
        project = Project.objects.get(pk=project.pk)
        assert project.phase == Phase.CANDIDATE and not project.tollgate_pending
        assert Notification.objects.filter(recipient=world_a.rep, verb="tollgate.returned").count() == 1

        second = workflow.tollgate_submit(actor=world_a.rep, project=project, summary="Quantified")
        workflow.tollgate_decide(actor=coach, review=second, decision="approve")
        project = Project.objects.get(pk=project.pk)
        assert project.phase == Phase.DEFINE and not project.tollgate_pending
        assert list(
            TollgateReview.objects.filter(project=project).order_by("submitted_at").values_list("decision", flat=True)
        ) == [
            ReviewDecision.RETURNED,
            ReviewDecision.APPROVED,
        ]
        visits = list(PhaseVisit.objects.filter(project=project).order_by("entered_at"))
        assert [v.phase for v in visits] == [Phase.CANDIDATE, Phase.DEFINE]
        assert visits[0].left_at is not None and visits[1].left_at is None
        # the customer sponsor is asked for feedback on approval
        sponsor_note = Notification.objects.get(recipient=world_a.customer_x)
        assert sponsor_note.verb == "feedback.asked" and "tell us how it went" in sponsor_note.message
        verbs = set(ProjectActivity.objects.filter(project=project).values_list("verb", flat=True))
        assert {"tollgate.submitted", "tollgate.returned", "tollgate.approved"} <= verbs


def test_the_lead_can_never_decide_even_as_coach_or_admin(world_a):
    admin = world_a.admin
    project = project_for(world_a, lead=admin, coach=world_a.member("coach"))
    with world_a.context():
        review = workflow.tollgate_submit(actor=admin, project=project)
        # force the (impossible by validation) case of a lead who is also coach: still refused
        Project.objects.filter(pk=project.pk).update(coach=admin)
        review = TollgateReview.objects.select_related("project").get(pk=review.pk)
        with pytest.raises(PermissionDenied, match="lead cannot decide"):
            workflow.tollgate_decide(actor=admin, review=review, decision="approve")
        assert TollgateReview.objects.get(pk=review.pk).decision == ReviewDecision.PENDING
        assert Project.objects.get(pk=project.pk).phase == Phase.CANDIDATE


@pytest.mark.parametrize("role", ["rep", "admin", "champion", "executive"])
def test_only_the_projects_coach_decides(world_a, project, role):
    with world_a.context():
        review = workflow.tollgate_submit(actor=world_a.rep, project=project)
        with pytest.raises(PermissionDenied):
            workflow.tollgate_decide(actor=world_a.member(role), review=review, decision="approve")
        with pytest.raises(PermissionDenied):
            workflow.tollgate_decide(actor=world_a.customer_x, review=review, decision="approve")
        assert Project.objects.get(pk=project.pk).phase == Phase.CANDIDATE


def test_submit_rules(world_a, project):
    with world_a.context():
        with pytest.raises(PermissionDenied):
            workflow.tollgate_submit(actor=world_a.member("champion"), project=project)
        with pytest.raises(PermissionDenied):
            workflow.tollgate_submit(actor=world_a.customer_x, project=project)
        workflow.tollgate_submit(actor=world_a.admin, project=project)  # on the lead's behalf
        with pytest.raises(ValidationError, match="already awaiting"):
            workflow.tollgate_submit(actor=world_a.rep, project=project)
        assert TollgateReview.objects.filter(project=project).count() == 1


def test_submit_needs_a_coach_after_candidate(world_a):
    project = project_for(world_a, coach=None)
    with world_a.context():
        project.phase = Phase.DEFINE
        project.save(update_fields=["phase"])
        with pytest.raises(ValidationError) as info:
            workflow.tollgate_submit(actor=world_a.rep, project=project)
        assert "Assign a coach first" in str(info.value.message_dict["coach"])
        assert not TollgateReview.objects.exists()


def test_return_needs_comments_and_decisions_are_final(world_a, project):
    coach = world_a.member("coach")
    with world_a.context():
        review = workflow.tollgate_submit(actor=world_a.rep, project=project)
        with pytest.raises(ValidationError) as info:
            workflow.tollgate_decide(actor=coach, review=review, decision="return", comments="   ")
        assert "comments" in info.value.message_dict
        with pytest.raises(ValidationError) as info:
            workflow.tollgate_decide(actor=coach, review=review, decision="skip")
        assert "decision" in info.value.message_dict
        assert TollgateReview.objects.get(pk=review.pk).decision == ReviewDecision.PENDING
        workflow.tollgate_decide(actor=coach, review=review, decision="approve")
        with pytest.raises(ValidationError, match="already decided"):
            workflow.tollgate_decide(actor=coach, review=review, decision="return", comments="late")
        assert Project.objects.get(pk=project.pk).phase == Phase.DEFINE


def test_improve_cannot_be_approved_with_unsettled_credit(world_a, project):
    project = advance(world_a, project, Phase.IMPROVE)
    coach = world_a.member("coach")
    with world_a.context():
        Project.objects.filter(pk=project.pk).update(credit_owner=CreditOwner.UNSETTLED)
        project = Project.objects.get(pk=project.pk)
        review = workflow.tollgate_submit(actor=world_a.rep, project=project)
        with pytest.raises(ValidationError) as info:
            workflow.tollgate_decide(actor=coach, review=review, decision="approve")
        assert "credit" in str(info.value.message_dict["credit_owner"])
        assert Project.objects.get(pk=project.pk).phase == Phase.IMPROVE
        assert TollgateReview.objects.get(pk=review.pk).decision == ReviewDecision.PENDING
        workflow.credit_settle(actor=coach, project=project, owner=CreditOwner.SUPPLIER, note="Our GB candidate")
        workflow.tollgate_decide(actor=coach, review=review, decision="approve")
        assert Project.objects.get(pk=project.pk).phase == Phase.CONTROL


def test_approving_control_closes_the_project_one_phase_at_a_time(world_a, project):
    project = advance(world_a, project, Phase.CLOSED)
    assert project.closed_on == timezone.localdate()
    with world_a.context():
        phases = list(PhaseVisit.objects.filter(project=project).order_by("entered_at").values_list("phase", flat=True))
        assert phases == [
            Phase.CANDIDATE,
            Phase.DEFINE,
            Phase.MEASURE,
            Phase.ANALYZE,
            Phase.IMPROVE,
            Phase.CONTROL,
            Phase.CLOSED,
        ]
        with pytest.raises(ValidationError):
            workflow.tollgate_submit(actor=world_a.rep, project=project)


def test_checklist_toggle_and_add(world_a, project):
    project = advance(world_a, project, Phase.DEFINE)
    with world_a.context():
        item = ChecklistItem.objects.filter(project=project, phase=Phase.DEFINE).first()
        assert item is not None
        workflow.checklist_toggle(actor=world_a.member("champion"), item=item, done=True)
        item.refresh_from_db()
        assert item.done and item.done_by_id == world_a.member("champion").pk and item.done_at is not None
        workflow.checklist_toggle(actor=world_a.rep, item=item, done=False)
        item.refresh_from_db()
        assert not item.done and item.done_by_id is None
        with pytest.raises(PermissionDenied):
            workflow.checklist_toggle(actor=world_a.customer_x, item=item, done=True)
        extra = workflow.checklist_item_add(actor=world_a.rep, project=project, phase=Phase.MEASURE, title="Gauge R&R")
        assert extra.position > 0
        with pytest.raises(ValidationError):
            workflow.checklist_item_add(actor=world_a.rep, project=project, phase=Phase.CLOSED, title="x")
        with pytest.raises(ValidationError):
            workflow.checklist_item_add(actor=world_a.rep, project=project, phase=Phase.MEASURE, title="  ")


def test_open_deliverables_are_listed_for_the_submit_warning(world_a, project):
    project = advance(world_a, project, Phase.DEFINE)
    with world_a.context():
        open_items = workflow.open_checklist_items(project)
        assert open_items and all(i.phase == Phase.DEFINE and not i.done for i in open_items)
        for item in open_items:
            workflow.checklist_toggle(actor=world_a.rep, item=item, done=True)
        assert workflow.open_checklist_items(project) == []


def test_checklist_templates_feed_new_projects(world_a):
    admin = world_a.admin
    with world_a.context():
        added = workflow.checklist_template_add(actor=admin, phase=Phase.DEFINE, title="Voice of the customer")
        first = ChecklistTemplateItem.objects.filter(phase=Phase.DEFINE).order_by("position").first()
        workflow.checklist_template_update(actor=admin, template=first, is_active=False)
        workflow.checklist_template_move(actor=admin, template=added, up=True)
        with pytest.raises(PermissionDenied):
            workflow.checklist_template_add(actor=world_a.rep, phase=Phase.DEFINE, title="x")
        with pytest.raises(ValidationError):
            workflow.checklist_template_update(actor=admin, template=added, title="")
    project = project_for(world_a, title="After the change")
    with world_a.context():
        titles = set(ChecklistItem.objects.filter(project=project, phase=Phase.DEFINE).values_list("title", flat=True))
        assert "Voice of the customer" in titles and first.title not in titles


def test_waiting_one_at_a_time(world_a, project):
    today = timezone.localdate()
    with world_a.context():
        with pytest.raises(ValidationError) as info:
            workflow.waiting_start(actor=world_a.rep, project=project, kind="data", reason=" ")
        assert "reason" in info.value.message_dict
        with pytest.raises(ValidationError) as info:
            workflow.waiting_start(
                actor=world_a.rep,
                project=project,
                kind="data",
                reason="x",
                expected_end_on=today - dt.timedelta(days=1),
            )
        assert "expected_end_on" in info.value.message_dict
        with pytest.raises(ValidationError):
            workflow.waiting_start(actor=world_a.rep, project=project, kind="nap", reason="x")
        period = workflow.waiting_start(actor=world_a.rep, project=project, kind="data", reason="Historian export")
        assert Project.objects.get(pk=project.pk).waiting_kind == "data"
        with pytest.raises(ValidationError, match="already waiting"):
            workflow.waiting_start(actor=world_a.rep, project=project, kind="customer_approval", reason="Sign-off")
        assert WaitingPeriod.objects.filter(project=project).count() == 1
        with pytest.raises(PermissionDenied):
            workflow.waiting_end(actor=world_a.customer_x, period=period)
        with pytest.raises(ValidationError):
            workflow.waiting_end(actor=world_a.rep, period=period, ended_on=today + dt.timedelta(days=2))
        workflow.waiting_end(actor=world_a.rep, period=period)
        assert Project.objects.get(pk=project.pk).waiting_kind == ""
        with pytest.raises(ValidationError, match="already ended"):
            workflow.waiting_end(actor=world_a.rep, period=period)


def test_cancel(world_a, project):
    with world_a.context():
        review = workflow.tollgate_submit(actor=world_a.rep, project=project)
        workflow.waiting_start(actor=world_a.rep, project=project, kind="data", reason="x")
        with pytest.raises(ValidationError) as info:
            workflow.project_cancel(actor=world_a.rep, project=project, reason="  ")
        assert "reason" in info.value.message_dict
        with pytest.raises(PermissionDenied):
            workflow.project_cancel(actor=world_a.member("champion"), project=project, reason="No")
        assert Project.objects.get(pk=project.pk).phase == Phase.CANDIDATE
        workflow.project_cancel(actor=world_a.member("coach"), project=project, reason="Customer reorganised")
        project = Project.objects.get(pk=project.pk)
        assert project.phase == Phase.CANCELLED and project.cancel_reason == "Customer reorganised"
        assert project.closed_on == timezone.localdate() and not project.tollgate_pending and project.waiting_kind == ""
        assert TollgateReview.objects.get(pk=review.pk).decision == ReviewDecision.WITHDRAWN
        with pytest.raises(ValidationError):
            workflow.project_cancel(actor=world_a.rep, project=project, reason="again")


def test_credit(world_a, project):
    with world_a.context():
        with pytest.raises(ValidationError):
            workflow.credit_settle(actor=world_a.rep, project=project, owner=CreditOwner.UNSETTLED)
        with pytest.raises(ValidationError):
            workflow.credit_settle(actor=world_a.rep, project=project, owner="nobody")
        with pytest.raises(PermissionDenied):
            workflow.credit_settle(actor=world_a.member("executive"), project=project, owner=CreditOwner.BOTH)
        workflow.credit_settle(actor=world_a.rep, project=project, owner=CreditOwner.CUSTOMER, note="Their BB program")
        project = Project.objects.get(pk=project.pk)
        assert project.credit_owner == CreditOwner.CUSTOMER and project.credit_settled_by_id == world_a.rep.pk


def test_objects_of_another_tenant_are_refused(world_a, world_b):
    foreign = project_for(world_b)
    with world_a.context():
        with pytest.raises((ValidationError, PermissionDenied)):
            workflow.tollgate_submit(actor=world_a.admin, project=foreign)
        with pytest.raises((ValidationError, PermissionDenied)):
            workflow.project_cancel(actor=world_a.admin, project=foreign, reason="x")


def test_panel_context_time_in_phase_and_fixed_queries(world_a, project, django_assert_max_num_queries):
    project = advance(world_a, project, Phase.MEASURE)
    with world_a.context():
        # pretend the project spent 10 days in Define
        define = PhaseVisit.objects.get(project=project, phase=Phase.DEFINE)
        PhaseVisit.objects.filter(pk=define.pk).update(entered_at=define.left_at - dt.timedelta(days=10))
        review = workflow.tollgate_submit(actor=world_a.rep, project=project)
        workflow.tollgate_decide(actor=world_a.member("coach"), review=review, decision="return", comments="More data")
        workflow.waiting_start(actor=world_a.rep, project=project, kind="data", reason="x")
        project = Project.objects.get(pk=project.pk)
        with django_assert_max_num_queries(4):
            context = workflow.panel_context(project, world_a.rep)
        steps = {s["phase"]: s for s in context["workflow_stepper"]}
        assert steps[Phase.DEFINE]["days"] == 10 and steps[Phase.DEFINE]["done"]
        assert steps[Phase.MEASURE]["current"] and steps[Phase.CLOSED]["days"] is None
        assert context["workflow_returns"] == 1
        assert context["workflow_can_submit"] and not context["workflow_can_decide"]
        assert context["workflow_waiting_open"] is not None
        customer = workflow.panel_context(project, world_a.customer_x)
        assert not customer["workflow_can_submit"] and not customer["workflow_can_check"]
        assert len(customer["workflow_reviews"]) == len(context["workflow_reviews"])
        assert workflow.panel_context(project, world_a.customer_y)["workflow_reviews"] == []


def test_the_lead_withdraws_a_pending_submission_and_can_submit_again(world_a, project, client_for, api_for):
    coach, rep = world_a.member("coach"), world_a.rep
    with world_a.context():
        review = workflow.tollgate_submit(actor=rep, project=project)
        with pytest.raises(PermissionDenied):  # not the lead
            workflow.tollgate_withdraw(actor=coach, review=review)
    url = f"/t/{world_a.slug}/projects/{project.pk}/tollgate/{review.pk}/withdraw/"
    assert client_for(world_a.customer_x).post(url).status_code == 403
    assert client_for(world_a.customer_y).post(url).status_code == 404
    response = client_for(rep).post(url)
    assert response.status_code == 302
    with world_a.context():
        review.refresh_from_db()
        assert review.decision == ReviewDecision.WITHDRAWN
        assert fresh(world_a, project).tollgate_pending is False
        assert fresh(world_a, project).phase == Phase.CANDIDATE
        with pytest.raises(ValidationError):  # already withdrawn
            workflow.tollgate_withdraw(actor=rep, review=review)
        again = workflow.tollgate_submit(actor=rep, project=project)
    api_url = f"/api/v1/t/{world_a.slug}/tollgate-reviews/{again.pk}/withdraw/"
    assert api_for(coach).post(api_url).status_code == 403
    answer = api_for(rep).post(api_url)
    assert answer.status_code == 200 and answer.json()["decision"] == "withdrawn"
