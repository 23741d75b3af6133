"""The core projects API: list (filters, constant queries), quick log, read, edit, customer team."""

from __future__ import annotations

from typing import Any

import pytest

from partnering.tests.factories import contact_for
from projects.models import Project, TeamMember
from projects.projects import settings_for_tenant
from projects.tests.factories import area_for, project_for

SECRET = "SECRET-PROJECT-NOTE"


def api(world: Any, rest: str = "") -> str:
    return f"/api/v1/t/{world.slug}/projects/{rest}"


def fields_of(response: Any) -> dict[str, Any]:
    return response.json()["error"]["fields"]


def log_body(world: Any, **overrides: Any) -> dict[str, Any]:
    body = {
        "customer_account": str(world.account_x.pk),
        "title": "Cut boiler blowdown losses",
        "problem_statement": "Blowdown is manual.",
        "belt_level": "green",
    }
    body.update(overrides)
    return body


def test_quick_log_read_and_edit(world_a, api_for):
    client = api_for(world_a.rep)
    created = client.post(api(world_a), log_body(world_a, coach=str(world_a.member("coach").pk)), format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["phase"] == "candidate" and data["lead"] == str(world_a.rep.pk)
    assert data["days_in_phase"] == 0 and data["is_stalled"] is False and data["credit_unsettled"] is False
    pk = data["id"]
    patched = client.patch(
        api(world_a, f"{pk}/"),
        {"goal_statement": "Halve it", "customer_sponsor": str(world_a.customer_x.pk), "internal_notes": SECRET},
        format="json",
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["goal_statement"] == "Halve it" and patched.json()["internal_notes"] == SECRET
    # read-only flags cannot be written
    client.patch(api(world_a, f"{pk}/"), {"phase": "control", "tollgate_pending": True}, format="json")
    with world_a.context():
        project = Project.objects.get(pk=pk)
        assert project.phase == "candidate" and not project.tollgate_pending
        assert project.customer_sponsor_id == world_a.customer_x.pk


def test_customers_see_own_account_only_without_internal_notes(world_a, api_for):
    mine = project_for(world_a, internal_notes=SECRET)
    other = project_for(world_a, account=world_a.account_y, title="Other account")
    customer = api_for(world_a.customer_x)
    listed = customer.get(api(world_a))
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [str(mine.pk)]
    assert "internal_notes" not in listed.json()["results"][0]
    detail = customer.get(api(world_a, f"{mine.pk}/"))
    assert detail.status_code == 200 and SECRET not in detail.content.decode()
    assert customer.get(api(world_a, f"{other.pk}/")).status_code == 404
    assert api_for(world_a.rep).get(api(world_a, f"{mine.pk}/")).json()["internal_notes"] == SECRET


def test_customers_cannot_log_or_edit(world_a, api_for):
    project = project_for(world_a)
    customer = api_for(world_a.customer_x)
    assert customer.post(api(world_a), log_body(world_a), format="json").status_code == 403
    assert customer.patch(api(world_a, f"{project.pk}/"), {"title": "Mine now"}, format="json").status_code == 403
    assert customer.put(api(world_a, f"{project.pk}/team/"), {"contacts": []}, format="json").status_code == 403
    with world_a.context():
        assert Project.objects.count() == 1 and Project.objects.get().title == "Cut boiler blowdown losses"


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("empty_title", "title"),
        ("other_tenant_coach", "coach"),
        ("non_coach", "coach"),
        ("sponsor_other_account", "customer_sponsor"),
        ("unknown_belt", "belt_level"),
        ("other_tenant_account", "customer_account"),
        ("bad_uuid", "lead"),
        ("customer_as_lead", "lead"),
    ],
)
def test_bad_input_is_400_and_nothing_saved(world_a, world_b, api_for, case, field):
    overrides = {
        "empty_title": {"title": "  "},
        "other_tenant_coach": {"coach": str(world_b.member("coach").pk)},
        "non_coach": {"coach": str(world_a.member("champion").pk)},
        "sponsor_other_account": {"customer_sponsor": str(world_a.customer_y.pk)},
        "unknown_belt": {"belt_level": "purple"},
        "other_tenant_account": {"customer_account": str(world_b.account_x.pk)},
        "bad_uuid": {"lead": "42"},
        "customer_as_lead": {"lead": str(world_a.customer_x.pk)},
    }[case]
    client = api_for(world_a.rep)
    response = client.post(api(world_a), log_body(world_a, **overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in fields_of(response)
    with world_a.context():
        assert not Project.objects.exists()
    # the same on an edit
    project = project_for(world_a)
    if case != "other_tenant_account":
        edit = client.patch(api(world_a, f"{project.pk}/"), overrides, format="json")
        assert edit.status_code == 400 and field in fields_of(edit)
    with world_a.context():
        project.refresh_from_db()
        assert project.title == "Cut boiler blowdown losses" and project.coach_id == world_a.member("coach").pk
        assert project.customer_sponsor_id == world_a.customer_x.pk and project.belt_level == "green"


def test_team_action(world_a, world_b, api_for):
    project = project_for(world_a)
    ana = contact_for(world_a, account=world_a.account_x, full_name="Ana Operator")
    yves = contact_for(world_a, account=world_a.account_y, full_name="Yves Elsewhere")
    foreign = contact_for(world_b, account=world_b.account_x, full_name="Foreign")
    client = api_for(world_a.rep)
    assert (
        client.put(api(world_a, f"{project.pk}/team/"), {"contacts": [str(yves.pk)]}, format="json").status_code == 400
    )
    bad = client.put(api(world_a, f"{project.pk}/team/"), {"contacts": [str(foreign.pk)]}, format="json")
    assert bad.status_code == 400 and "contacts" in fields_of(bad)
    ok = client.put(api(world_a, f"{project.pk}/team/"), [str(ana.pk)], format="json")
    assert ok.status_code == 200, ok.content
    assert [row["full_name"] for row in ok.json()] == ["Ana Operator"]
    seen = api_for(world_a.customer_x).get(api(world_a, f"{project.pk}/team/"))
    assert seen.status_code == 200 and seen.json()[0]["contact"] == str(ana.pk)
    with world_a.context():
        assert list(TeamMember.objects.values_list("contact_id", flat=True)) == [ana.pk]


def test_list_filters_and_sort(world_a, api_for):
    parent = area_for(world_a, "Water treatment")
    child = area_for(world_a, "Boiler water", parent=parent)
    project_for(world_a, title="Alpha", solution_area=child)
    project_for(world_a, title="Bravo", belt_level="black", account=world_a.account_y)
    client = api_for(world_a.rep)

    def titles(query: str) -> list[str]:
        response = client.get(api(world_a, query))
        assert response.status_code == 200, response.content
        return [row["title"] for row in response.json()["results"]]

    assert titles("?sort=title") == ["Alpha", "Bravo"]
    assert titles("?sort=-title") == ["Bravo", "Alpha"]
    assert titles(f"?solution_area={parent.pk}") == ["Alpha"]
    assert titles("?belt=black") == ["Bravo"]
    assert titles(f"?customer={world_a.account_x.pk}") == ["Alpha"]
    assert titles("?coach=none") == []
    assert sorted(titles("?customer=junk&belt=purple&stalled=maybe&sort=nope")) == ["Alpha", "Bravo"]  # ignored


@pytest.mark.parametrize("size", [3, 30])
def test_list_runs_constant_queries(world_a, api_for, django_assert_max_num_queries, size):
    for i in range(size):
        project_for(world_a, title=f"Project {i:02}")
    with world_a.context():
        settings_for_tenant()
    client = api_for(world_a.rep)
    with django_assert_max_num_queries(10):
        response = client.get(api(world_a, "?sort=-activity&stalled=0"))
    assert response.status_code == 200 and response.json()["count"] == size
