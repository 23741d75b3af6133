"""The projects area's services and selectors: quick log, update, people rules, flags."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from projects.models import ChecklistItem, Phase, PhaseVisit, Project
from projects.projects import project_log, project_update, projects_for
from projects.tests.factories import project_for

pytestmark = pytest.mark.django_db


def test_quick_log_makes_a_candidate_with_checklists_and_a_phase_visit(world_a):
    project = project_for(world_a)
    with world_a.context():
        assert project.phase == Phase.CANDIDATE
        assert project.lead == world_a.rep
        assert ChecklistItem.objects.filter(project=project).count() > 5
        assert PhaseVisit.objects.filter(project=project, left_at__isnull=True).count() == 1
        assert project.activity.count() == 1


def test_customer_cannot_log_or_edit(world_a):
    project = project_for(world_a)
    with world_a.context():
        with pytest.raises(PermissionDenied):
            project_log(actor=world_a.customer_x, customer_account=world_a.account_x, title="t", problem_statement="p")
        with pytest.raises(PermissionDenied):
            project_update(actor=world_a.customer_x, project=project, title="new")


def test_people_are_checked(world_a, world_b):
    project = project_for(world_a)
    with world_a.context():
        with pytest.raises(ValidationError) as error:
            project_update(actor=world_a.rep, project=project, coach=world_b.member("coach"))
        assert "coach" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            project_update(actor=world_a.rep, project=project, coach=world_a.member("champion"))
        assert "coach" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            project_update(actor=world_a.rep, project=project, customer_sponsor=world_a.customer_y)
        assert "customer_sponsor" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            project_update(actor=world_a.rep, project=project, title="  ")
        assert "title" in error.value.message_dict
        project.refresh_from_db()
        assert project.title == "Cut boiler blowdown losses"


def test_flags_are_computed_in_sql(world_a):
    project = project_for(world_a)
    with world_a.context():
        Project.objects.filter(pk=project.pk).update(
            last_activity_at=timezone.now() - dt.timedelta(days=40),
            started_on=timezone.localdate() - dt.timedelta(days=400),
        )
        row = projects_for(world_a.rep).get(pk=project.pk)
        assert row.is_stalled and row.is_long_running and not row.credit_unsettled
