"""Belts: cohorts, curriculum, candidates, eligibility rules, certification (coach sign-off; a Black
Belt joins the coach pool), on services, pages and API; permissions, bad ids and query counts."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core import members as core_services
from core.models import Membership, Role, User
from projects import belts
from projects.models import (
    BeltCandidate,
    BeltLevel,
    Benefit,
    BenefitStatus,
    CandidateStatus,
    Certification,
    CertificationProject,
    Cohort,
    ModuleCompletion,
    Notification,
    Project,
    ProjectActivity,
    ProjectsSettings,
    TrainingModule,
)
from projects.projects import coach_pool, is_coach, settings_for_tenant
from projects.tests.factories import project_for
from projects.tests.isolation_belts import candidate_for, cohort_for
from tests.fixtures import PASSWORD

TODAY = timezone.localdate


def page(world: Any, rest: str = "") -> str:
    return f"/t/{world.slug}/projects/belts/{rest}"


def api(world: Any, rest: str) -> str:
    return f"/api/v1/t/{world.slug}/{rest}"


def coach(world: Any) -> Membership:
    return world.member(Role.COACH)


def extra_member(world: Any, role: str, tag: str = "") -> Membership:
    user = User.objects.create_user(
        f"extra-{role}-{tag}-{uuid.uuid4().hex[:6]}@{world.slug}.test", PASSWORD, full_name=f"Extra {role} {tag}"
    )
    return core_services.membership_create(tenant=world.tenant, user=user, role=role)


def closed_project(
    world: Any,
    lead: Membership,
    *,
    belt: str = BeltLevel.GREEN,
    validated: bool = False,
    credit: str = "supplier",
    title: str = "Closed project",
) -> Project:
    """A project led by ``lead``, set to closed directly in the DB, optionally with a validated benefit."""
    project = project_for(world, lead=lead, belt_level=belt, title=title)
    with world.context():
        Project.objects.filter(pk=project.pk).update(phase="closed", closed_on=TODAY(), credit_owner=credit)
        if validated:
            Benefit.objects.create(
                project=project,
                kind="hard_savings",
                description="Less blowdown",
                period_start=TODAY() - dt.timedelta(days=90),
                period_end=TODAY(),
                currency="EUR",
                estimated_amount=Decimal("10000"),
                validated_amount=Decimal("9000"),
                status=BenefitStatus.VALIDATED,
            )
        project.refresh_from_db()
    return project


def complete_all(world: Any, candidate: BeltCandidate) -> None:
    with world.context():
        belts.training_modules_ensure()
        for module in TrainingModule.objects.filter(belt_level=candidate.target_belt, is_required=True):
            belts.module_complete(actor=coach(world), candidate=candidate, module=module)


def eligible_green(world: Any, member: Membership | None = None) -> BeltCandidate:
    member = member or world.rep
    candidate = candidate_for(world, member)
    complete_all(world, candidate)
    closed_project(world, member, validated=True, title=f"Closed for {member.user.full_name}")
    return candidate


def elig(world: Any, candidate: BeltCandidate) -> belts.Eligibility:
    with world.context():
        return belts.eligibility(BeltCandidate.objects.get(pk=candidate.pk))


# --- Cohorts and curriculum ---------------------------------------------------------------------


def test_cohort_name_is_unique_per_tenant_as_a_field_error(world_a, world_b):
    with world_a.context():
        belts.cohort_create(actor=world_a.admin, name="Wave 1", starts_on=TODAY())
        with pytest.raises(ValidationError) as error:
            belts.cohort_create(actor=world_a.admin, name=" wave 1 ", starts_on=TODAY())
        assert "name" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            belts.cohort_create(
                actor=world_a.admin, name="Wave 2", starts_on=TODAY(), ends_on=TODAY() - dt.timedelta(days=1)
            )
        assert "ends_on" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            belts.cohort_create(actor=world_a.admin, name="Wave 3", coach=world_a.rep)
        assert "coach" in error.value.message_dict
        with pytest.raises(PermissionDenied):
            belts.cohort_create(actor=world_a.rep, name="Wave 4")
        assert Cohort.objects.count() == 1
    with world_b.context():  # the same name in another tenant is fine
        belts.cohort_create(actor=world_b.admin, name="Wave 1")
        with pytest.raises(ValidationError) as error:
            belts.cohort_create(actor=world_b.admin, name="Wave 9", coach=world_a.member("coach"))
        assert "coach" in error.value.message_dict


def test_cohort_update_refuses_a_duplicate_and_keeps_the_saved_row(world_a):
    with world_a.context():
        one = belts.cohort_create(actor=world_a.admin, name="One")
        belts.cohort_create(actor=world_a.admin, name="Two")
        with pytest.raises(ValidationError):
            belts.cohort_update(actor=world_a.admin, cohort=one, name="Two")
        assert one.name == "One" and Cohort.objects.get(pk=one.pk).name == "One"
        belts.cohort_update(actor=world_a.admin, cohort=one, coach=coach(world_a))
        assert Cohort.objects.get(pk=one.pk).coach_id == coach(world_a).pk


def test_training_modules_are_seeded_once_and_editable(world_a):
    with world_a.context():
        modules = belts.training_modules_ensure()
        assert len(modules) == 8 and len(belts.training_modules_ensure()) == 8
        module = belts.module_create(actor=coach(world_a), name="Voice of the customer", belt_level="green")
        assert module.position == 5
        with pytest.raises(ValidationError) as error:
            belts.module_create(actor=coach(world_a), name="voice of the customer", belt_level="green")
        assert "name" in error.value.message_dict
        belts.module_create(actor=coach(world_a), name="Voice of the customer", belt_level="black")  # other belt
        belts.module_update(actor=world_a.admin, module=module, name="VOC", is_required=False)
        assert TrainingModule.objects.get(pk=module.pk).name == "VOC"
        with pytest.raises(ValidationError):
            belts.module_update(actor=world_a.admin, module=module, belt_level="black")
        with pytest.raises(PermissionDenied):
            belts.module_create(actor=world_a.rep, name="Nope")


# --- Candidates ---------------------------------------------------------------------------------


def test_candidate_add_internal_members_only_once_per_belt(world_a, world_b):
    cohort = cohort_for(world_a)
    with world_a.context():
        candidate = belts.candidate_add(actor=world_a.admin, member=world_a.rep, cohort=cohort)
        assert candidate.target_belt == "green" and candidate.status == CandidateStatus.TRAINING
        with pytest.raises(ValidationError) as error:
            belts.candidate_add(actor=world_a.admin, member=world_a.rep, cohort=cohort, target_belt="green")
        assert "member" in error.value.message_dict
        belts.candidate_add(actor=world_a.admin, member=world_a.rep, cohort=cohort, target_belt="black")
        with pytest.raises(ValidationError) as error:
            belts.candidate_add(actor=world_a.admin, member=world_a.customer_x, cohort=cohort)
        assert "member" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            belts.candidate_add(actor=world_a.admin, member=world_b.rep, cohort=cohort)
        assert "member" in error.value.message_dict
        with pytest.raises(PermissionDenied):
            belts.candidate_add(actor=world_a.rep, member=world_a.member("champion"), cohort=cohort)
        assert BeltCandidate.objects.count() == 2


def test_module_complete_checks_belt_tenant_and_date(world_a, world_b):
    candidate = candidate_for(world_a)
    with world_b.context():
        foreign = belts.training_modules_ensure()[0]
    with world_a.context():
        modules = belts.training_modules_ensure()
        greens = [m for m in modules if m.belt_level == "green"]
        green = greens[0]
        black = next(m for m in modules if m.belt_level == "black")
        belts.module_complete(actor=coach(world_a), candidate=candidate, module=green)
        belts.module_complete(actor=coach(world_a), candidate=candidate, module=green)  # idempotent
        assert ModuleCompletion.objects.filter(candidate=candidate).count() == 1
        for module, key in ((black, "module"), (foreign, "module")):
            with pytest.raises(ValidationError) as error:
                belts.module_complete(actor=coach(world_a), candidate=candidate, module=module)
            assert key in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            belts.module_complete(
                actor=coach(world_a), candidate=candidate, module=greens[1], completed_on=TODAY() + dt.timedelta(1)
            )
        assert "completed_on" in error.value.message_dict
        with pytest.raises(PermissionDenied):
            belts.module_complete(actor=world_a.rep, candidate=candidate, module=greens[1])
        assert belts.module_uncomplete(actor=coach(world_a), candidate=candidate, module=green) == 1
        assert not ModuleCompletion.objects.filter(candidate=candidate).exists()


# --- Eligibility --------------------------------------------------------------------------------


def test_green_belt_eligibility_step_by_step(world_a):
    candidate = candidate_for(world_a)
    with world_a.context():
        belts.training_modules_ensure()
    result = elig(world_a, candidate)
    assert not result.eligible and (result.modules_done, result.modules_required) == (0, 5)
    assert len(result.missing) == 3
    assert "Complete 5 more required modules" in result.missing[0]
    assert "Lead 1 more closed project" in result.missing[1]
    assert "validated by the customer" in result.missing[2]

    complete_all(world_a, candidate)
    result = elig(world_a, candidate)
    assert result.modules_done == 5 and len(result.missing) == 2

    project_for(world_a, lead=world_a.rep, title="Still open")  # open projects do not count
    closed_project(world_a, world_a.rep, credit="customer", validated=True, title="Customer's credit")
    closed_project(world_a, world_a.member("champion"), validated=True, title="Led by someone else")
    result = elig(world_a, candidate)
    assert result.closed_projects == 0 and not result.eligible

    closed = closed_project(world_a, world_a.rep, title="Closed, no validated benefit")
    result = elig(world_a, candidate)
    assert result.closed_projects == 1 and result.validated_projects == 0
    assert result.missing == ["Get a benefit of a closed project validated by the customer sponsor."]

    with world_a.context():
        Benefit.objects.create(
            project=closed,
            kind="quality",
            description="Fewer complaints",
            period_start=TODAY(),
            period_end=TODAY(),
            currency="EUR",
            estimated_amount=Decimal("0"),
            status=BenefitStatus.ESTIMATED,
        )
    assert not elig(world_a, candidate).eligible  # an estimated benefit is not a validated one
    with world_a.context():
        Benefit.objects.filter(project=closed).update(status=BenefitStatus.VALIDATED, validated_amount=Decimal("5"))
    result = elig(world_a, candidate)
    assert result.eligible and result.missing == [] and [p.pk for p in result.projects] == [closed.pk]
    assert all(rule.met for rule in result.rules)


def test_green_belt_rules_follow_the_tenant_settings(world_a):
    candidate = candidate_for(world_a)
    complete_all(world_a, candidate)
    closed_project(world_a, world_a.rep, title="No benefit")
    assert not elig(world_a, candidate).eligible
    with world_a.context():
        ProjectsSettings.objects.filter(pk=settings_for_tenant().pk).update(
            green_belt_requires_validated_benefits=False
        )
    assert elig(world_a, candidate).eligible
    with world_a.context():
        ProjectsSettings.objects.update(green_belt_closed_projects=2)
    result = elig(world_a, candidate)
    assert not result.eligible and result.missing == ["Lead 1 more closed project through to closing."]
    with world_a.context():  # an optional module is not required
        TrainingModule.objects.filter(belt_level="green").update(is_required=False)
        ProjectsSettings.objects.update(green_belt_closed_projects=1)
        ModuleCompletion.objects.all().delete()
    assert elig(world_a, candidate).eligible


def test_black_belt_needs_black_belt_projects_and_a_green_belt(world_a):
    champion = world_a.member("champion")
    candidate = candidate_for(world_a, champion, target_belt="black")
    complete_all(world_a, candidate)
    closed_project(world_a, champion, belt="green", validated=True, title="Green one")
    result = elig(world_a, candidate)
    assert result.closed_projects == 0 and result.closed_required == 2
    assert "Get certified as a Green Belt first." in result.missing
    closed_project(world_a, champion, belt="black", title="Black one")
    closed_project(world_a, champion, belt="black", title="Black two")
    result = elig(world_a, candidate)
    assert result.closed_projects == 2 and result.missing == ["Get certified as a Green Belt first."]
    with world_a.context():
        Certification.objects.create(member=champion, belt_level="green", signed_off_by=coach(world_a))
    assert elig(world_a, candidate).eligible


def test_eligibility_many_runs_a_fixed_number_of_queries(world_a, django_assert_max_num_queries):
    members = [extra_member(world_a, Role.REP, str(i)) for i in range(4)]
    candidates = [eligible_green(world_a, m) for m in members]
    with world_a.context():
        settings_for_tenant()
        rows = list(BeltCandidate.objects.filter(pk__in=[c.pk for c in candidates]))
        with django_assert_max_num_queries(5):
            results = belts.eligibility_many(rows)
    assert all(r.eligible for r in results.values()) and len(results) == 4


# --- Certification ------------------------------------------------------------------------------


def test_certify_refused_when_not_eligible_and_nothing_is_written(world_a):
    candidate = candidate_for(world_a)
    with world_a.context():
        with pytest.raises(ValidationError) as error:
            belts.certify(actor=coach(world_a), candidate=candidate)
        messages = error.value.message_dict["eligibility"]
        assert messages[0] == "Not eligible yet." and len(messages) > 1
        assert not Certification.objects.exists()
        assert BeltCandidate.objects.get(pk=candidate.pk).status == CandidateStatus.TRAINING


def test_certify_refused_for_the_candidate_and_non_coaches(world_a):
    coach_candidate = eligible_green(world_a, extra_member(world_a, Role.COACH, "cand"))
    with world_a.context():
        signer = coach_candidate.member
        with pytest.raises(PermissionDenied):
            belts.certify(actor=signer, candidate=coach_candidate)  # never your own belt
    candidate = eligible_green(world_a)
    with world_a.context():
        for signer in (world_a.admin, world_a.member("champion"), world_a.rep, world_a.customer_x):
            with pytest.raises(PermissionDenied):
                belts.certify(actor=signer, candidate=candidate)
        assert not Certification.objects.exists()


def test_certify_green_belt_records_signer_date_projects_and_notifies(world_a):
    candidate = eligible_green(world_a)
    with world_a.context():
        with pytest.raises(ValidationError) as error:
            belts.certify(actor=coach(world_a), candidate=candidate, certified_on=TODAY() + dt.timedelta(days=1))
        assert "certified_on" in error.value.message_dict
        certification = belts.certify(actor=coach(world_a), candidate=candidate, note="Great project")
        assert (certification.member_id, certification.belt_level) == (world_a.rep.pk, "green")
        assert certification.signed_off_by_id == coach(world_a).pk and certification.certified_on == TODAY()
        project = Project.objects.get(lead=world_a.rep)
        assert CertificationProject.objects.filter(certification=certification, project=project).exists()
        assert BeltCandidate.objects.get(pk=candidate.pk).status == CandidateStatus.CERTIFIED
        assert Notification.objects.filter(recipient=world_a.rep, verb="belt.certified").exists()
        assert ProjectActivity.objects.filter(project=project, verb="belt.certified", internal_only=True).exists()
        assert not is_coach(world_a.rep)  # a Green Belt does not coach
        with pytest.raises(ValidationError):
            belts.certify(actor=coach(world_a), candidate=candidate)  # once
        assert Certification.objects.count() == 1


def test_black_belt_certification_puts_the_member_into_the_coach_pool(world_a, client_for):
    champion = world_a.member("champion")
    with world_a.context():
        Certification.objects.create(member=champion, belt_level="green", signed_off_by=coach(world_a))
        assert not is_coach(champion) and champion not in coach_pool()
    candidate = candidate_for(world_a, champion, target_belt="black")
    complete_all(world_a, candidate)
    closed_project(world_a, champion, belt="black", title="Black one")
    closed_project(world_a, champion, belt="black", title="Black two")
    with world_a.context():
        belts.certify(actor=coach(world_a), candidate=candidate)
        champion = Membership.objects.get(pk=champion.pk)
        assert is_coach(champion) and champion in coach_pool()
    html = client_for(world_a.rep).get(page(world_a, f"candidates/{candidate.pk}/")).content.decode()
    assert 'data-testid="now-a-coach"' in html and world_a.member("coach").user.display_name in html
    # ... and can now be assigned as the coach of a project (refused before the certification)
    assert project_for(world_a, coach=champion, title="Coached by the new Black Belt").coach_id == champion.pk


# --- Pages --------------------------------------------------------------------------------------


def test_belts_page_empty_state_and_permissions(world_a, client_for):
    response = client_for(world_a.rep).get(page(world_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Start the first cohort" in html and 'data-testid="cohort-create"' not in html  # a rep cannot
    assert 'data-testid="cohort-create"' in client_for(coach(world_a)).get(page(world_a)).content.decode()
    for customer in (world_a.customer_x, world_a.customer_y):
        assert client_for(customer).get(page(world_a)).status_code == 403


def test_cohort_and_candidate_pages(world_a, world_b, client_for):
    client = client_for(coach(world_a))
    assert client.get(page(world_a, "cohorts/new/")).status_code == 200
    response = client.post(
        page(world_a, "cohorts/new/"), {"name": "Wave A", "belt_level": "green", "starts_on": "2026-01-05"}
    )
    assert response.status_code == 302
    with world_a.context():
        cohort = Cohort.objects.get(name="Wave A")
    response = client.post(
        page(world_a, "cohorts/new/"), {"name": "wave a", "belt_level": "green", "starts_on": "2026-01-05"}
    )
    assert response.status_code == 200 and "already exists" in response.content.decode()
    response = client.post(page(world_a, "cohorts/new/"), {"name": "X", "belt_level": "purple", "starts_on": "x"})
    assert response.status_code == 200 and response.context["form"].errors
    assert client_for(world_a.rep).post(page(world_a, "cohorts/new/"), {"name": "R"}).status_code == 403

    form = client.get(page(world_a, f"candidates/new/?cohort={cohort.pk}"))
    assert form.status_code == 200 and form.context["form"].initial["cohort"] == cohort
    assert client.get(page(world_a, "candidates/new/?cohort=not-a-uuid")).status_code == 200
    for bad in (world_a.customer_x.pk, world_b.rep.pk, "nope"):
        response = client.post(page(world_a, "candidates/new/"), {"member": str(bad), "cohort": str(cohort.pk)})
        assert response.status_code == 200 and "member" in response.context["form"].errors
    response = client.post(page(world_a, "candidates/new/"), {"member": str(world_a.rep.pk), "cohort": str(cohort.pk)})
    assert response.status_code == 302
    with world_a.context():
        candidate = BeltCandidate.objects.get()
    response = client.post(page(world_a, "candidates/new/"), {"member": str(world_a.rep.pk), "cohort": str(cohort.pk)})
    assert response.status_code == 200 and "already a Green Belt candidate" in response.content.decode()

    html = client_for(world_a.rep).get(page(world_a, f"cohorts/{cohort.pk}/")).content.decode()
    assert world_a.rep.user.display_name in html and 'data-testid="candidate-row"' in html
    response = client.post(
        page(world_a, f"cohorts/{cohort.pk}/"), {"name": "Wave A2", "belt_level": "green", "starts_on": "2026-01-05"}
    )
    assert response.status_code == 302
    assert client_for(world_a.rep).post(page(world_a, f"cohorts/{cohort.pk}/"), {"name": "Z"}).status_code == 403
    with world_a.context():
        assert Cohort.objects.get(pk=cohort.pk).name == "Wave A2"
    assert candidate.member_id == world_a.rep.pk


def test_candidate_page_ticks_modules_and_shows_what_is_missing(world_a, world_b, client_for):
    candidate = candidate_for(world_a)
    client = client_for(coach(world_a))
    response = client.get(page(world_a, f"candidates/{candidate.pk}/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="missing"' in html and "Complete 5 more required modules" in html
    assert 'data-testid="certify"' not in html
    with world_a.context():
        module = TrainingModule.objects.filter(belt_level="green").first()
    response = client.post(page(world_a, f"candidates/{candidate.pk}/"), {"module": str(module.pk), "done": "1"})
    assert response.status_code == 302
    with world_a.context():
        assert ModuleCompletion.objects.filter(candidate=candidate, module=module).exists()
    with world_b.context():
        foreign = belts.training_modules_ensure()[0]
    for bad in (str(foreign.pk), "garbage", ""):
        response = client.post(page(world_a, f"candidates/{candidate.pk}/"), {"module": bad, "done": "1"}, follow=True)
        assert response.status_code == 200 and "Choose one of the listed modules" in response.content.decode()
    response = client.post(page(world_a, f"candidates/{candidate.pk}/"), {"module": str(module.pk), "done": "0"})
    assert response.status_code == 302
    response = client_for(world_a.rep).post(
        page(world_a, f"candidates/{candidate.pk}/"), {"module": str(module.pk), "done": "1"}
    )
    assert response.status_code == 403
    with world_a.context():
        assert not ModuleCompletion.objects.filter(candidate=candidate).exists()


def test_certify_page_flow(world_a, client_for):
    candidate = eligible_green(world_a)
    assert client_for(world_a.rep).get(page(world_a, f"candidates/{candidate.pk}/certify/")).status_code == 403
    html = client_for(coach(world_a)).get(page(world_a, f"candidates/{candidate.pk}/")).content.decode()
    assert 'data-testid="certify"' in html and 'data-testid="badge-eligible"' in html
    # an admin who is not a coach or Black Belt cannot sign off either
    response = client_for(world_a.admin).post(
        page(world_a, f"candidates/{candidate.pk}/certify/"), {"certified_on": TODAY().isoformat()}
    )
    assert response.status_code == 403
    client = client_for(coach(world_a))
    response = client.post(page(world_a, f"candidates/{candidate.pk}/certify/"), {"certified_on": "2999-01-01"})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(
        page(world_a, f"candidates/{candidate.pk}/certify/"), {"certified_on": TODAY().isoformat(), "note": "Well done"}
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="certification"' in html and coach(world_a).user.display_name in html
    assert "now a certified Green Belt" in html
    with world_a.context():
        assert Certification.objects.get().note == "Well done"
    belts_html = client.get(page(world_a)).content.decode()
    assert '<div class="stat" data-testid="certified-green">1</div>' in belts_html


def test_certify_page_for_a_not_eligible_candidate_shows_why(world_a, client_for):
    candidate = candidate_for(world_a)
    response = client_for(coach(world_a)).post(
        page(world_a, f"candidates/{candidate.pk}/certify/"), {"certified_on": TODAY().isoformat()}
    )
    assert response.status_code == 200 and "Not eligible yet" in response.content.decode()
    with world_a.context():
        assert not Certification.objects.exists()


def test_modules_page_lists_adds_and_renames(world_a, client_for):
    client = client_for(coach(world_a))
    response = client.get(page(world_a, "modules/"))
    assert response.status_code == 200 and "DMAIC fundamentals" in response.content.decode()
    response = client.post(page(world_a, "modules/"), {"action": "add", "belt_level": "black", "name": "Lean for labs"})
    assert response.status_code == 302
    response = client.post(page(world_a, "modules/"), {"action": "add", "belt_level": "black", "name": "lean for labs"})
    assert response.status_code == 200 and "already has a module" in response.content.decode()
    with world_a.context():
        module = TrainingModule.objects.get(name="Lean for labs")
    client.post(page(world_a, "modules/"), {"action": "rename", "module": str(module.pk), "name": "Lean in labs"})
    with world_a.context():
        module.refresh_from_db()
        assert module.name == "Lean in labs" and not module.is_required
    response = client.post(page(world_a, "modules/"), {"action": "rename", "module": "bad", "name": ""}, follow=True)
    assert response.status_code == 200
    rep = client_for(world_a.rep)
    assert rep.get(page(world_a, "modules/")).status_code == 200
    assert 'name="action"' not in rep.get(page(world_a, "modules/")).content.decode()
    assert rep.post(page(world_a, "modules/"), {"action": "add", "belt_level": "green", "name": "X"}).status_code == 403


def _populate(world: Any, n: int) -> None:
    for i in range(n):
        cohort = cohort_for(world, f"Wave {i}")
        member = extra_member(world, Role.REP, f"p{i}")
        with world.context():
            candidate = belts.candidate_add(actor=world.admin, member=member, cohort=cohort)
        complete_all(world, candidate)
        closed_project(world, member, validated=True, title=f"Closed {i}")
        with world.context():
            Certification.objects.create(member=member, belt_level="green", signed_off_by=coach(world))


@pytest.mark.parametrize("size", [1, 5])
def test_belts_page_query_count_is_fixed(world_a, client_for, django_assert_max_num_queries, size):
    _populate(world_a, size)
    client = client_for(world_a.rep)
    client.get(page(world_a))  # warm the session
    with django_assert_max_num_queries(12):
        response = client.get(page(world_a))
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="candidate-row"') == size


# --- API ----------------------------------------------------------------------------------------


def test_api_cohorts_and_candidates_with_eligibility(world_a, world_b, api_for):
    client = api_for(coach(world_a))
    response = client.post(
        api(world_a, "cohorts/"), {"name": "API wave", "belt_level": "green", "starts_on": "2026-02-01"}
    )
    assert response.status_code == 201, response.content
    cohort_id = response.json()["id"]
    response = client.post(api(world_a, "cohorts/"), {"name": "api wave", "starts_on": "2026-02-01"})
    assert response.status_code == 400 and "name" in response.json()["error"]["fields"]
    response = client.patch(api(world_a, f"cohorts/{cohort_id}/"), {"coach": str(world_b.member("coach").pk)})
    assert response.status_code == 400 and "coach" in response.json()["error"]["fields"]

    for member in (world_b.rep.pk, world_a.customer_x.pk):
        response = client.post(api(world_a, "belt-candidates/"), {"member": str(member), "cohort": cohort_id})
        assert response.status_code == 400 and "member" in response.json()["error"]["fields"], response.content
    response = client.post(api(world_a, "belt-candidates/"), {"member": str(world_a.rep.pk), "cohort": cohort_id})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["target_belt"] == "green" and body["eligibility"]["eligible"] is False
    assert body["eligibility"]["missing"]
    candidate_id = body["id"]

    listing = client.get(api(world_a, "belt-candidates/")).json()
    assert listing["count"] == 1 and "eligibility" in listing["results"][0]
    assert api_for(world_b.admin).get(api(world_a, "belt-candidates/")).status_code == 404
    for customer in (world_a.customer_x, world_a.customer_y):
        for path in ("cohorts/", "belt-candidates/", "training-modules/", "certifications/"):
            assert api_for(customer).get(api(world_a, path)).status_code == 403

    progress = client.get(api(world_a, f"belt-candidates/{candidate_id}/complete-module/")).json()
    assert len(progress) == 5 and all(row["completed_on"] is None for row in progress)
    with world_b.context():
        foreign = belts.training_modules_ensure()[0]
    response = client.post(
        api(world_a, f"belt-candidates/{candidate_id}/complete-module/"), {"module": str(foreign.pk)}
    )
    assert response.status_code == 400 and "module" in response.json()["error"]["fields"]
    response = client.post(api(world_a, f"belt-candidates/{candidate_id}/complete-module/"), {"module": "nope"})
    assert response.status_code == 400
    response = client.post(
        api(world_a, f"belt-candidates/{candidate_id}/complete-module/"), {"module": progress[0]["module"]}
    )
    assert response.status_code == 200 and response.json()[0]["completed_on"] == TODAY().isoformat()
    response = client.post(
        api(world_a, f"belt-candidates/{candidate_id}/complete-module/"),
        {"module": progress[0]["module"], "done": False},
        format="json",
    )
    assert response.status_code == 200 and response.json()[0]["completed_on"] is None
    rep = api_for(world_a.rep)
    response = rep.post(
        api(world_a, f"belt-candidates/{candidate_id}/complete-module/"), {"module": progress[1]["module"]}
    )
    assert response.status_code == 403


def test_api_certify(world_a, api_for):
    candidate = eligible_green(world_a)
    path = api(world_a, f"belt-candidates/{candidate.pk}/certify/")
    assert api_for(world_a.rep).get(path).json()["eligible"] is True
    assert api_for(world_a.rep).post(path, {}).status_code == 403  # role
    response = api_for(world_a.admin).post(path, {})
    assert response.status_code == 403  # not a coach
    response = api_for(coach(world_a)).post(path, {"certified_on": "not-a-date"})
    assert response.status_code == 400 and "certified_on" in response.json()["error"]["fields"]
    response = api_for(coach(world_a)).post(path, {"note": "Signed"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (
        body["belt_level"] == "green" and body["signed_off_by"] == str(coach(world_a).pk) and len(body["projects"]) == 1
    )
    response = api_for(coach(world_a)).post(path, {})
    assert response.status_code == 400
    listing = api_for(world_a.rep).get(api(world_a, "certifications/")).json()
    assert listing["count"] == 1 and listing["results"][0]["member_name"] == world_a.rep.user.display_name
    assert api_for(coach(world_a)).delete(api(world_a, f"certifications/{body['id']}/")).status_code in (403, 405)
    with world_a.context():
        assert Certification.objects.filter(pk=body["id"]).exists()


def test_api_not_eligible_certify_is_a_400_listing_what_is_missing(world_a, api_for):
    candidate = candidate_for(world_a)
    response = api_for(coach(world_a)).post(api(world_a, f"belt-candidates/{candidate.pk}/certify/"), {})
    assert response.status_code == 400
    assert "Not eligible yet." in response.json()["error"]["fields"]["eligibility"]


def test_api_training_modules(world_a, api_for):
    client = api_for(coach(world_a))
    listing = client.get(api(world_a, "training-modules/")).json()
    assert listing["count"] == 8
    response = client.post(api(world_a, "training-modules/"), {"name": "Kaizen", "belt_level": "green"})
    assert response.status_code == 201
    module_id = response.json()["id"]
    response = client.post(api(world_a, "training-modules/"), {"name": "kaizen", "belt_level": "green"})
    assert response.status_code == 400 and "name" in response.json()["error"]["fields"]
    response = client.patch(api(world_a, f"training-modules/{module_id}/"), {"belt_level": "black"})
    assert response.status_code == 400
    response = client.patch(api(world_a, f"training-modules/{module_id}/"), {"name": "Kaizen events"})
    assert response.status_code == 200 and response.json()["name"] == "Kaizen events"
    assert api_for(world_a.rep).post(api(world_a, "training-modules/"), {"name": "X"}).status_code == 403


@pytest.mark.parametrize("size", [1, 6])
def test_api_candidate_list_query_count_is_constant(world_a, api_for, django_assert_max_num_queries, size):
    _populate(world_a, size)
    client = api_for(world_a.rep)
    with django_assert_max_num_queries(14):
        response = client.get(api(world_a, "belt-candidates/"))
    assert response.status_code == 200 and response.json()["count"] == size


def test_a_certified_black_belt_of_any_internal_role_signs_off_newer_candidates(world_a):
    """Seed 000 step 7: Black Belts coach the newer cohorts, whatever their role."""
    champion = world_a.member("champion")
    candidate = eligible_green(world_a)
    with world_a.context():
        with pytest.raises(PermissionDenied):
            belts.certify(actor=champion, candidate=candidate)  # not a Black Belt yet
        Certification.objects.create(member=champion, belt_level="black", signed_off_by=coach(world_a))
        certification = belts.certify(actor=champion, candidate=candidate)
        assert certification.signed_off_by == champion
