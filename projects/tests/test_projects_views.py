"""Project pages: list (+ CSV), quick log, project page, edit, customer team."""

from __future__ import annotations

import csv
import io

import pytest

from partnering.tests.factories import contact_for, relationship_for
from projects.models import ChecklistItem, Project, ProjectComment, TeamMember
from projects.projects import settings_for_tenant
from projects.tests.factories import area_for, project_for


def url(world, rest: str = "") -> str:
    return f"/t/{world.slug}/projects/{rest}"


def quick_data(world, **overrides):
    data = {
        "customer_account": str(world.account_x.pk),
        "title": "Cut boiler blowdown losses",
        "problem_statement": "Blowdown is manual and 3x the benchmark.",
        "belt_level": "green",
    }
    data.update(overrides)
    return data


# --- Quick log ------------------------------------------------------------------------------


def test_quick_log_has_four_required_fields_and_creates_a_candidate(world_a, client_for):
    client = client_for(world_a.rep)
    page = client.get(url(world_a, "new/"))
    assert page.status_code == 200
    form = page.context["form"]
    assert [name for name, field in form.fields.items() if field.required] == [
        "customer_account",
        "title",
        "problem_statement",
        "belt_level",
    ]
    assert "<details" in page.content.decode()
    area = area_for(world_a)
    response = client.post(
        url(world_a, "new/"), quick_data(world_a, goal_statement="Halve it", solution_area=str(area.pk), is_pilot="on")
    )
    assert response.status_code == 302
    with world_a.context():
        project = Project.objects.get()
        assert project.phase == "candidate" and project.lead_id == world_a.rep.pk
        assert project.solution_area_id == area.pk and project.is_pilot and project.goal_statement == "Halve it"
    assert response["Location"] == url(world_a, f"{project.pk}/")
    detail = client.get(response["Location"])
    assert "Candidate" in detail.content.decode() and "Logged" in detail.content.decode()


@pytest.mark.parametrize("case", ["empty_title", "blank_problem", "unknown_belt", "other_tenant_account", "no_account"])
def test_quick_log_bad_input_keeps_values_and_saves_nothing(world_a, world_b, client_for, case):
    data = {
        "empty_title": quick_data(world_a, title="   "),
        "blank_problem": quick_data(world_a, problem_statement=""),
        "unknown_belt": quick_data(world_a, belt_level="purple"),
        "other_tenant_account": quick_data(world_a, customer_account=str(world_b.account_x.pk)),
        "no_account": quick_data(world_a, customer_account="not-a-uuid"),
    }[case]
    response = client_for(world_a.rep).post(url(world_a, "new/"), data)
    assert response.status_code == 200
    field = {
        "empty_title": "title",
        "blank_problem": "problem_statement",
        "unknown_belt": "belt_level",
    }.get(case, "customer_account")
    assert field in response.context["form"].errors
    if case != "blank_problem":
        assert "Blowdown is manual" in response.content.decode()  # values kept
    with world_a.context():
        assert not Project.objects.exists()


def test_customers_cannot_log_projects(world_a, client_for):
    client = client_for(world_a.customer_x)
    assert client.get(url(world_a, "new/")).status_code == 403
    assert client.post(url(world_a, "new/"), quick_data(world_a)).status_code == 403
    with world_a.context():
        assert not Project.objects.exists()


# --- Project page ---------------------------------------------------------------------------


def test_project_page_shows_header_and_hides_internal_notes_from_customers(world_a, client_for):
    area = area_for(world_a)
    project = project_for(
        world_a,
        internal_notes="SENTINEL-INTERNAL",
        redesign_what="Automate blowdown",
        redesign_who="Operators",
        redesign_how="Conductivity sensor",
        solution_area=area,
    )
    rep_page = client_for(world_a.rep).get(url(world_a, f"{project.pk}/"))
    body = rep_page.content.decode()
    assert rep_page.status_code == 200
    for text in ("Cut boiler blowdown losses", "Automate blowdown", "Conductivity sensor", "SENTINEL-INTERNAL"):
        assert text in body
    assert f"/projects/{project.pk}/coach/" in body and world_a.member("coach").user.display_name in body
    customer_page = client_for(world_a.customer_x).get(url(world_a, f"{project.pk}/"))
    assert customer_page.status_code == 200
    assert "SENTINEL-INTERNAL" not in customer_page.content.decode()
    assert "Automate blowdown" in customer_page.content.decode()
    assert client_for(world_a.customer_y).get(url(world_a, f"{project.pk}/")).status_code == 404


def test_project_page_is_404_for_other_tenants_and_bad_ids(world_a, world_b, client_for):
    project = project_for(world_a)
    assert client_for(world_b.admin).get(url(world_b, f"{project.pk}/")).status_code == 404
    assert client_for(world_a.rep).get(url(world_a, "00000000-0000-0000-0000-000000000000/")).status_code == 404


def test_project_page_queries_do_not_grow_with_the_project(world_a, client_for, django_assert_max_num_queries):
    small = project_for(world_a, title="Small")
    big = project_for(world_a, title="Big")
    with world_a.context():
        for i in range(10):
            ProjectComment.objects.create(project=big, author=world_a.rep, body=f"Comment {i}")
            contact = contact_for(world_a, account=world_a.account_x, full_name=f"Person {i}")
            TeamMember.objects.create(project=big, contact=contact)
        ChecklistItem.objects.bulk_create(
            [ChecklistItem(tenant_id=big.tenant_id, project=big, phase="define", title=f"Extra {i}") for i in range(10)]
        )
    client = client_for(world_a.rep)
    client.get(url(world_a, f"{small.pk}/"))  # warm caches (settings row, sessions)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(url(world_a, f"{small.pk}/")).status_code == 200
    with django_assert_max_num_queries(len(small_queries)):  # ten times the rows, not one query more
        response = client.get(url(world_a, f"{big.pk}/"))
    assert response.status_code == 200 and "Person 9" in response.content.decode()


# --- Edit and team --------------------------------------------------------------------------


def edit_data(world, project, **overrides):
    data = {
        "customer_account": str(project.customer_account_id),
        "relationship": "",
        "title": project.title,
        "problem_statement": project.problem_statement,
        "goal_statement": "Halve the losses",
        "scope": "Boiler house 2",
        "redesign_what": "Automatic blowdown",
        "redesign_who": "Operators check weekly",
        "redesign_how": "Conductivity control",
        "belt_level": "black",
        "lead": str(world.rep.pk),
        "coach": str(world.member("coach").pk),
        "customer_sponsor": str(world.customer_x.pk),
        "solution_area": "",
        "started_on": "2026-01-05",
        "target_end_on": "2026-09-30",
        "internal_notes": "Margin matters",
    }
    data.update(overrides)
    return data


def test_edit_a_project(world_a, client_for):
    project = project_for(world_a)
    relationship = relationship_for(world_a)
    client = client_for(world_a.rep)
    page = client.get(url(world_a, f"{project.pk}/edit/"))
    assert page.status_code == 200
    form = page.context["form"]
    with world_a.context():
        assert list(form.fields["customer_sponsor"].queryset) == [world_a.customer_x]
        assert world_a.rep not in form.fields["coach"].queryset
    response = client.post(
        url(world_a, f"{project.pk}/edit/"), edit_data(world_a, project, relationship=str(relationship.pk))
    )
    assert response.status_code == 302, response.context["form"].errors
    with world_a.context():
        project.refresh_from_db()
        assert project.belt_level == "black" and project.redesign_how == "Conductivity control"
        assert project.relationship_id == relationship.pk and project.internal_notes == "Margin matters"


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("empty_title", "title"),
        ("other_tenant_coach", "coach"),
        ("non_coach", "coach"),
        ("sponsor_other_account", "customer_sponsor"),
        ("unknown_belt", "belt_level"),
        ("bad_date", "started_on"),
    ],
)
def test_edit_bad_input_shows_errors_and_saves_nothing(world_a, world_b, client_for, case, field):
    project = project_for(world_a)
    overrides = {
        "empty_title": {"title": ""},
        "other_tenant_coach": {"coach": str(world_b.member("coach").pk)},
        "non_coach": {"coach": str(world_a.member("champion").pk)},
        "sponsor_other_account": {"customer_sponsor": str(world_a.customer_y.pk)},
        "unknown_belt": {"belt_level": "purple"},
        "bad_date": {"started_on": "2026-02-31"},
    }[case]
    response = client_for(world_a.rep).post(
        url(world_a, f"{project.pk}/edit/"), edit_data(world_a, project, **overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    with world_a.context():
        project.refresh_from_db()
        assert project.goal_statement == "" and project.belt_level == "green"
        assert project.coach_id == world_a.member("coach").pk


def test_customers_cannot_edit_or_set_the_team(world_a, client_for):
    project = project_for(world_a)
    customer = client_for(world_a.customer_x)
    assert customer.get(url(world_a, f"{project.pk}/edit/")).status_code == 403
    assert customer.post(url(world_a, f"{project.pk}/edit/"), edit_data(world_a, project)).status_code == 403
    assert customer.get(url(world_a, f"{project.pk}/team/")).status_code == 403
    assert client_for(world_a.customer_y).get(url(world_a, f"{project.pk}/edit/")).status_code == 404
    with world_a.context():
        project.refresh_from_db()
        assert project.goal_statement == ""


def test_set_the_customer_team(world_a, client_for):
    project = project_for(world_a)
    ana = contact_for(world_a, account=world_a.account_x, full_name="Ana Operator")
    other = contact_for(world_a, account=world_a.account_y, full_name="Yves Elsewhere")
    client = client_for(world_a.rep)
    page = client.get(url(world_a, f"{project.pk}/team/"))
    assert page.status_code == 200 and "Ana Operator" in page.content.decode()
    assert "Yves Elsewhere" not in page.content.decode()
    refused = client.post(url(world_a, f"{project.pk}/team/"), {"contacts": [str(other.pk)]})
    assert refused.status_code == 200 and "contacts" in refused.context["form"].errors
    response = client.post(url(world_a, f"{project.pk}/team/"), {"contacts": [str(ana.pk)]})
    assert response.status_code == 302
    with world_a.context():
        assert list(TeamMember.objects.values_list("contact_id", flat=True)) == [ana.pk]
    assert "Ana Operator" in client.get(url(world_a, f"{project.pk}/")).content.decode()


# --- List and CSV ---------------------------------------------------------------------------


def test_list_filters_sorting_and_customer_scope(world_a, client_for):
    parent = area_for(world_a, "Water treatment")
    child = area_for(world_a, "Boiler water", parent=parent)
    a = project_for(world_a, title="Alpha boiler", solution_area=child, is_pilot=True)
    b = project_for(world_a, title="Bravo cooling", belt_level="black")
    c = project_for(world_a, title="Charlie other account", account=world_a.account_y)
    client = client_for(world_a.rep)

    def titles(query: str) -> list[str]:
        response = client.get(url(world_a, query))
        assert response.status_code == 200
        return [p.title for p in response.context["projects"]]

    assert titles("?sort=title") == ["Alpha boiler", "Bravo cooling", "Charlie other account"]
    assert titles("?sort=-title") == ["Charlie other account", "Bravo cooling", "Alpha boiler"]
    assert titles(f"?solution_area={parent.pk}") == ["Alpha boiler"]
    assert titles("?belt=black") == ["Bravo cooling"]
    assert titles("?pilot=1") == ["Alpha boiler"]
    assert titles("?q=cooling") == ["Bravo cooling"]
    assert titles(f"?customer={world_a.account_y.pk}") == ["Charlie other account"]
    assert titles("?phase=define") == []
    # bad values are ignored with a message, never a 500
    response = client.get(url(world_a, "?customer=nope&phase=nirvana&belt=x&stalled=maybe&sort=bogus&page=99"))
    assert response.status_code == 200
    assert len(response.context["projects"]) == 3
    assert len(list(response.context["messages"])) == 4
    # a customer sees their own account's projects only
    customer = client_for(world_a.customer_x).get(url(world_a, "?sort=title"))
    assert [p.pk for p in customer.context["projects"]] == [a.pk, b.pk]
    assert c.pk not in [p.pk for p in customer.context["projects"]]


def test_stalled_waiting_and_long_running_filters(world_a, client_for):
    import datetime as dt

    from django.utils import timezone

    stalled = project_for(world_a, title="Stalled one")
    waiting = project_for(world_a, title="Waiting one")
    old = project_for(world_a, title="Old one")
    with world_a.context():
        Project.objects.filter(pk=stalled.pk).update(last_activity_at=timezone.now() - dt.timedelta(days=90))
        Project.objects.filter(pk=waiting.pk).update(waiting_kind="data")
        Project.objects.filter(pk=old.pk).update(started_on=timezone.localdate() - dt.timedelta(days=400))
    client = client_for(world_a.rep)
    titles = lambda q: [p.title for p in client.get(url(world_a, q)).context["projects"]]  # noqa: E731
    assert titles("?stalled=1") == ["Stalled one"]
    assert titles("?waiting=1") == ["Waiting one"]
    assert titles("?waiting=data") == ["Waiting one"]
    assert titles("?waiting=customer_approval") == []
    assert titles("?long_running=1") == ["Old one"]


def test_empty_list_invites_to_log(world_a, client_for):
    body = client_for(world_a.rep).get(url(world_a)).content.decode()
    assert "Log the first project" in body


@pytest.mark.parametrize("size", [3, 30])
def test_list_and_export_run_at_most_12_queries(world_a, client_for, django_assert_max_num_queries, size):
    for i in range(size):
        project_for(world_a, title=f"Project {i:02}", internal_notes="SENTINEL-NOTES")
    with world_a.context():
        settings_for_tenant()  # the tenant's settings row exists (created once per tenant)
    client = client_for(world_a.rep)
    with django_assert_max_num_queries(12):
        response = client.get(url(world_a, "?sort=customer"))
    assert response.status_code == 200 and response.context["page"].paginator.count == size
    with django_assert_max_num_queries(12):
        response = client.get(url(world_a, "?stalled=0&sort=-score"))
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        export = client.get(url(world_a, "export.csv"))
    assert len(list(csv.reader(io.StringIO(export.content.decode())))) == size + 1
    assert "SENTINEL-NOTES" not in export.content.decode()
    customer = client_for(world_a.customer_x)
    with django_assert_max_num_queries(12):
        assert customer.get(url(world_a)).status_code == 200


def test_export_is_formula_safe_and_filtered(world_a, client_for):
    project_for(world_a, title='=HYPERLINK("http://evil")')
    project_for(world_a, title="Other account", account=world_a.account_y)
    body = client_for(world_a.rep).get(url(world_a, f"export.csv?customer={world_a.account_x.pk}")).content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == 2 and rows[1][0].startswith("'=")
    customer_rows = list(
        csv.reader(io.StringIO(client_for(world_a.customer_y).get(url(world_a, "export.csv")).content.decode()))
    )
    assert [r[0] for r in customer_rows[1:]] == ["Other account"]


# --- Regression: a NUL byte in a filter (PostgreSQL text cannot hold one) -----------------------


def test_list_board_and_export_filters_with_a_nul_byte_are_not_a_server_error(world_a, client_for, api_for):
    project_for(world_a, title="Cut boiler blowdown losses")
    client = client_for(world_a.rep)
    params = {"q": "boil\x00er", "phase": "\x00", "stalled": "\x00"}
    for path in ("", "board/", "export.csv"):
        response = client.get(f"/t/{world_a.slug}/projects/{path}", params)
        assert response.status_code == 200, path
    assert "Cut boiler blowdown losses" in client.get(f"/t/{world_a.slug}/projects/", params).content.decode()
    for path in ("projects/", "project-board/"):
        assert api_for(world_a.rep).get(f"/api/v1/t/{world_a.slug}/{path}", params).status_code == 200, path
