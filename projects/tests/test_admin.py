"""The program-office admin for projects: the shared admin cases (tests/admin_cases.py) over every
projects model, plus inlines scoped to the workspace, rows owned by the services read-only, and the
services' rules held on what is editable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from core.models import Role
from partnering.tests.factories import contact_for
from projects import belts
from projects.models import (
    BeltCandidate,
    Benefit,
    Certification,
    CertificationProject,
    CoachExpertise,
    Cohort,
    CustomerFeedback,
    Notification,
    Project,
    ProjectAttachment,
    ProjectComment,
    ProjectsSettings,
    SelectionScore,
    TeamMember,
    TollgateReview,
    TrainingModule,
    WaitingPeriod,
)
from projects.projects import settings_for_tenant
from projects.tests.factories import area_for, project_for
from tests.admin_cases import AdminCases, admin_url, change_form_data, searchable


def fill(world: Any, tag: str) -> dict[str, Any]:
    """One row of every projects model in ``world``, tagged so the HTML can be searched."""
    project = project_for(world, title=f"Project {tag}")  # + checklist, templates, phase visit, activity
    contact = contact_for(world, account=world.account_x, full_name=f"Contact {tag}")
    area = area_for(world, f"Area {tag}")
    coach = world.member(Role.COACH)
    today = timezone.localdate()
    with world.context():
        settings_for_tenant()
        TeamMember.objects.create(project=project, contact=contact, role=f"Owner {tag}")
        WaitingPeriod.objects.create(project=project, kind="data", reason=f"Waiting {tag}", phase="candidate")
        review = TollgateReview.objects.create(
            project=project, phase="candidate", submitted_by=world.rep, summary=f"Summary {tag}"
        )
        SelectionScore.objects.create(
            project=project, scorer=world.rep, customer_value=4, buy_in=4, durability=3, effort=2, data_availability=5
        )
        CoachExpertise.objects.create(coach=coach, area=area, note=f"Expert {tag}")
        Benefit.objects.create(
            project=project,
            kind="hard_savings",
            description=f"Benefit {tag}",
            period_start=today - dt.timedelta(days=30),
            period_end=today,
            currency="EUR",
            estimated_amount=Decimal("100"),
        )
        ProjectComment.objects.create(project=project, author=world.rep, body=f"Comment {tag}")
        ProjectAttachment.objects.create(
            project=project,
            file=f"projects/{world.tenant.pk}/{project.pk}/abc",
            original_name=f"file-{tag}.pdf",
            content_type="application/pdf",
            size=10,
            uploaded_by=world.rep,
        )
        Notification.objects.create(recipient=world.rep, project=project, verb="test", message=f"Note {tag}")
        CustomerFeedback.objects.create(
            project=project, review=review, phase="candidate", author=world.customer_x, satisfaction=4
        )
        cohort = belts.cohort_create(actor=world.admin, name=f"Cohort {tag}", coach=coach)
        candidate = belts.candidate_add(actor=world.admin, member=world.rep, cohort=cohort)
        module = TrainingModule.objects.filter(belt_level="green").first()
        belts.module_complete(actor=coach, candidate=candidate, module=module)
        certification = Certification.objects.create(
            member=world.member(Role.CHAMPION), belt_level="green", signed_off_by=coach, note=f"Cert {tag}"
        )
        CertificationProject.objects.create(certification=certification, project=project)
    return {"project": project, "cohort": cohort, "candidate": candidate, "certification": certification}


class TestProjectsAdmin(AdminCases):
    app_label = "projects"
    fill = staticmethod(fill)

    def test_project_page_shows_its_inlines_of_this_tenant(self, admin_a, rows_a):
        html = admin_a.get(admin_url(Project, f"{rows_a['project'].pk}/change/")).content.decode()
        assert "Benefit alpha" in html and "Summary alpha" in html and "Contact alpha" in html
        assert "bravo" not in searchable(html)

    def test_service_owned_rows_are_read_only(self, admin_a, world_a, rows_a):
        for model in (Project, Benefit, TollgateReview, WaitingPeriod, Certification, Notification, CustomerFeedback):
            assert admin_a.get(admin_url(model, "add/")).status_code == 403, model
        with world_a.context():
            benefit_id = Benefit.objects.get(description="Benefit alpha").pk
        admin_a.post(admin_url(Benefit, f"{benefit_id}/change/"), {"status": "validated", "validated_amount": "1"})
        with world_a.context():
            assert Benefit.objects.get(pk=benefit_id).status == "estimated"
        response = admin_a.post(admin_url(Certification, f"{rows_a['certification'].pk}/delete/"), {"post": "yes"})
        assert response.status_code == 403
        response = admin_a.post(admin_url(Project, f"{rows_a['project'].pk}/delete/"), {"post": "yes"})
        assert response.status_code == 403
        with world_a.context():
            assert Certification.objects.filter(pk=rows_a["certification"].pk).exists()
            assert Project.objects.filter(pk=rows_a["project"].pk).exists()

    def test_project_edit_applies_the_services_people_rules(self, admin_a, world_a, world_b, rows_a):
        project = rows_a["project"]
        page = admin_a.get(admin_url(Project, f"{project.pk}/change/"))
        data = change_form_data(page)
        data["coach"] = str(world_a.rep.pk)  # the lead cannot coach (and a rep is not a coach)
        response = admin_a.post(admin_url(Project, f"{project.pk}/change/"), data)
        assert response.status_code == 200 and response.context["adminform"].form.errors
        data["coach"] = str(world_b.member(Role.COACH).pk)  # another tenant's person: not a valid choice
        response = admin_a.post(admin_url(Project, f"{project.pk}/change/"), data)
        assert response.status_code == 200 and "coach" in response.context["adminform"].form.errors
        data["coach"] = str(world_a.member(Role.COACH).pk)
        data["title"] = "Renamed in the admin"
        response = admin_a.post(admin_url(Project, f"{project.pk}/change/"), data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        with world_a.context():
            saved = Project.objects.get(pk=project.pk)
            assert saved.title == "Renamed in the admin" and saved.phase == "candidate"

    @pytest.mark.usefixtures("rows_a")
    def test_cohort_rules_and_candidates_inline(self, admin_a, world_a):
        response = admin_a.post(
            admin_url(Cohort, "add/"),
            {
                "name": "cohort ALPHA",
                "belt_level": "green",
                "starts_on": "2026-01-01",
                "candidates-TOTAL_FORMS": "0",
                "candidates-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 200 and "name" in response.context["adminform"].form.errors  # not a 500
        response = admin_a.post(
            admin_url(Cohort, "add/"),
            {
                "name": "Second cohort",
                "belt_level": "green",
                "starts_on": "2026-01-01",
                "candidates-TOTAL_FORMS": "1",
                "candidates-INITIAL_FORMS": "0",
                "candidates-0-member": str(world_a.customer_x.pk),
                "candidates-0-target_belt": "green",
                "candidates-0-status": "training",
                "candidates-0-joined_on": "2026-01-02",
            },
        )
        assert response.status_code == 200  # a customer participant cannot be a belt candidate
        with world_a.context():
            assert not Cohort.objects.filter(name="Second cohort").exists()
            assert not BeltCandidate.objects.filter(member=world_a.customer_x).exists()

    def test_settings_are_one_row_per_workspace(self, admin_a, world_a):
        assert admin_a.get(admin_url(ProjectsSettings, "add/")).status_code == 403
        with world_a.context():
            settings_row = ProjectsSettings.objects.get()
        page = admin_a.get(admin_url(ProjectsSettings, f"{settings_row.pk}/change/"))
        data = change_form_data(page)
        data["green_belt_closed_projects"] = "3"
        response = admin_a.post(admin_url(ProjectsSettings, f"{settings_row.pk}/change/"), data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        with world_a.context():
            assert ProjectsSettings.objects.get().green_belt_closed_projects == 3
