"""``seed_demo`` fills the projects module: about 40 Aquenta projects in every phase with their history
(stalled, long-running, waiting, a pending tollgate for the coach, an estimated benefit waiting for the
customer sponsor, validated benefits, a Black Belt who joins the coach pool); a second run adds
nothing; ``--scale N`` adds N benchmark projects (``--projects`` overrides the number)."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.models import Membership, Tenant
from core.tenancy import tenant_context
from knowledge.models import SolutionArea
from projects.models import (
    PHASE_ORDER,
    BeltCandidate,
    BeltLevel,
    Benefit,
    BenefitStatus,
    Certification,
    ChecklistItem,
    CoachExpertise,
    Cohort,
    CreditOwner,
    CustomerFeedback,
    Phase,
    PhaseVisit,
    Project,
    ProjectActivity,
    ProjectComment,
    ProjectsSettings,
    ReviewDecision,
    SelectionScore,
    TollgateReview,
    WaitingPeriod,
)
from projects.projects import coach_pool, with_flags
from projects.selection import score_of

PASSWORD = "demo-passphrase-for-tests"
MODELS = (
    SolutionArea,
    Project,
    PhaseVisit,
    TollgateReview,
    ChecklistItem,
    SelectionScore,
    WaitingPeriod,
    Benefit,
    ProjectComment,
    ProjectsSettings,
    ProjectActivity,
    CustomerFeedback,
    CoachExpertise,
    Cohort,
    BeltCandidate,
    Certification,
)


def seed(*extra: str) -> None:
    call_command("seed_demo", "--force", "--password", PASSWORD, *extra, stdout=StringIO())


def counts(slug: str) -> dict[str, int]:
    with tenant_context(Tenant.objects.get(slug=slug)):
        return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def seeded(request) -> None:
    request.getfixturevalue("db")
    seed()


@pytest.fixture
def aquenta(request):
    request.getfixturevalue("seeded")
    with tenant_context(Tenant.objects.get(slug="aquenta")):
        yield


@pytest.mark.usefixtures("seeded")
def test_second_run_adds_nothing():
    first = {slug: counts(slug) for slug in ("aquenta", "kestrel")}
    assert 38 <= first["aquenta"]["Project"] <= 45
    assert 15 <= first["aquenta"]["SolutionArea"] <= 30
    seed()
    assert {slug: counts(slug) for slug in ("aquenta", "kestrel")} == first


@pytest.mark.usefixtures("aquenta")
def test_every_phase_has_projects():
    phases = set(Project.objects.values_list("phase", flat=True))
    assert set(PHASE_ORDER) | {Phase.CANCELLED} <= phases
    assert Project.objects.filter(phase=Phase.CANCELLED).exclude(cancel_reason="").count() == 2


@pytest.mark.usefixtures("aquenta")
def test_flags_and_waiting():
    projects = with_flags(Project.objects.all())
    assert projects.filter(is_stalled=True).exists()
    assert projects.filter(is_long_running=True).exists()
    assert projects.filter(credit_unsettled=True).count() == 2
    waiting = projects.exclude(waiting_kind="")
    assert {p.waiting_kind for p in waiting} == {"customer_approval", "regulatory_approval", "data"}
    for project in waiting:  # the denormalised kind mirrors the one open waiting period
        assert WaitingPeriod.objects.get(project=project, ended_on__isnull=True).kind == project.waiting_kind


@pytest.mark.usefixtures("aquenta")
def test_denormalised_fields_match_the_rows():
    for project in Project.objects.all():
        open_visit = PhaseVisit.objects.get(project=project, left_at__isnull=True)
        assert open_visit.phase == project.phase
        assert open_visit.entered_at == project.phase_entered_at
        pending = TollgateReview.objects.filter(project=project, decision=ReviewDecision.PENDING)
        assert pending.exists() == project.tollgate_pending
        if pending.exists():
            assert pending.get().phase == project.phase
        latest = ProjectActivity.objects.filter(project=project).order_by("-created_at").first()
        assert latest is not None and latest.created_at <= project.last_activity_at
        if project.phase in (Phase.CONTROL, Phase.CLOSED):
            assert project.credit_owner != CreditOwner.UNSETTLED
        approved = list(
            TollgateReview.objects.filter(project=project, decision=ReviewDecision.APPROVED).values_list(
                "phase", flat=True
            )
        )
        if project.phase != Phase.CANCELLED:  # one approved tollgate per phase passed, none skipped
            assert sorted(approved, key=PHASE_ORDER.index) == PHASE_ORDER[: PHASE_ORDER.index(project.phase)]


@pytest.mark.usefixtures("aquenta")
def test_pending_tollgate_for_the_coach_and_a_returned_one():
    coach = Membership.objects.get(user__email="coach@aquenta.example")
    assert Project.objects.filter(tollgate_pending=True, coach=coach).exists()
    returned = TollgateReview.objects.filter(decision=ReviewDecision.RETURNED).exclude(comments="")
    assert returned.exists()
    for review in returned:
        assert TollgateReview.objects.filter(
            project=review.project, phase=review.phase, decision=ReviewDecision.APPROVED
        ).exists()


@pytest.mark.usefixtures("aquenta")
def test_benefits_wait_for_ana_and_some_are_validated():
    ana = Membership.objects.get(user__email="ana.lopez@northfield-paper.example")
    waiting = Benefit.objects.filter(status=BenefitStatus.ESTIMATED, project__customer_sponsor=ana)
    assert waiting.exists()
    assert ana.is_customer and all(b.project.customer_account_id == ana.customer_account_id for b in waiting)
    validated = Benefit.objects.filter(status=BenefitStatus.VALIDATED)
    assert validated.exists()
    for benefit in validated:
        assert benefit.validated_amount is not None
        assert benefit.validated_by_id == benefit.project.customer_sponsor_id
    assert len(set(Benefit.objects.values_list("currency", flat=True))) >= 3
    linked = Benefit.objects.exclude(metric_key="").select_related("scorecard")
    assert linked.exists()
    assert all(b.scorecard is not None and b.scorecard.relationship_id == b.project.relationship_id for b in linked)


@pytest.mark.usefixtures("aquenta")
def test_black_belt_joins_the_coach_pool():
    black = Certification.objects.filter(belt_level=BeltLevel.BLACK)
    assert black.exists()
    pool = set(coach_pool().values_list("pk", flat=True))
    assert all(c.member_id in pool for c in black)
    assert Certification.objects.filter(belt_level=BeltLevel.GREEN).count() >= 2
    assert Cohort.objects.filter(belt_level=BeltLevel.GREEN).count() == 2
    assert Cohort.objects.filter(belt_level=BeltLevel.BLACK).count() == 1
    assert Project.objects.filter(is_pilot=True, phase=Phase.CLOSED, benefits__status="validated").exists()


@pytest.mark.usefixtures("aquenta")
def test_internal_only_comments_and_selection_scores():
    assert ProjectComment.objects.filter(internal_only=True).exists()
    assert ProjectComment.objects.filter(internal_only=False).exists()
    candidates = Project.objects.filter(phase=Phase.CANDIDATE).exclude(selection_score=None)
    assert candidates.exists()
    both_sides = [p for p in candidates if SelectionScore.objects.filter(project=p, scorer__role="customer").exists()]
    assert both_sides
    for project in candidates:
        rows = list(SelectionScore.objects.filter(project=project))
        expected = score_of(rows, ProjectsSettings.objects.get())
        assert expected is not None and abs(project.selection_score - expected) <= Decimal("0.01")
        assert 0 <= project.selection_score <= 100


@pytest.mark.usefixtures("seeded")
def test_scale_adds_exactly_n_projects():
    seed("--scale", "2")
    assert counts("benchco")["Project"] == 2
    aquenta = counts("aquenta")
    seed("--scale", "2")
    assert counts("benchco")["Project"] == 2  # numbered: a second run adds nothing
    seed("--scale", "2", "--projects", "7")
    bench = counts("benchco")
    assert bench["Project"] == 7
    assert counts("aquenta") == aquenta
    with tenant_context(Tenant.objects.get(slug="benchco")):
        for project in Project.objects.all():
            assert PhaseVisit.objects.get(project=project, left_at__isnull=True).phase == project.phase
        assert not Project.objects.exclude(customer_account__name__startswith="Bench Customer").exists()
    with tenant_context(Tenant.objects.get(slug="aquenta")):
        assert not Project.objects.filter(title__startswith="Bench project").exists()


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize("value", ["-1", "100001", "many"])
def test_bad_projects_number_is_refused(value):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--force", "--scale", "1", "--projects", value, stdout=StringIO(), stderr=StringIO())
    assert not Tenant.objects.filter(slug="benchco").exists()
