"""Coach matching: expertise, ranked suggestions (area match, then load, then name), assignment
(who may, which coach), pages and API."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core import members as core_services
from core.models import Role, User
from projects import coaching
from projects.models import BeltLevel, Certification, CoachExpertise, Notification, Project
from projects.tests.factories import area_for, project_for


def url(world, rest: str = "") -> str:
    return f"/t/{world.slug}/projects/{rest}"


def api(world, rest: str) -> str:
    return f"/api/v1/t/{world.slug}/{rest}"


def new_member(world, name: str, role: str = Role.COACH):
    user = User.objects.create_user(f"{name.lower()}@{world.slug}.test", "pw-123456789", full_name=name)
    return core_services.membership_create(tenant=world.tenant, user=user, role=role)


def certify_black_belt(world, member):
    with world.context():
        Certification.objects.create(member=member, belt_level=BeltLevel.BLACK, signed_off_by=world.member("coach"))


def tree(world):
    water = area_for(world, "Water")
    boiler = area_for(world, "Boiler", parent=water)
    scale = area_for(world, "Scale", parent=boiler)
    energy = area_for(world, "Energy")
    return water, boiler, scale, energy


def give(world, coach, *areas):
    with world.context():
        coaching.expertise_set(actor=world.admin, coach=coach, areas=list(areas))


# --- Suggestions -------------------------------------------------------------------------------


def test_suggestions_rank_by_match_then_load_then_name(world_a):
    water, boiler, scale, energy = tree(world_a)
    exact_busy = new_member(world_a, "Zoe Exact")
    related_up = new_member(world_a, "Anna Ancestor")
    related_down = new_member(world_a, "Ben Descendant")
    idle = new_member(world_a, "Carl Idle")
    give(world_a, exact_busy, boiler)
    give(world_a, related_up, water)
    give(world_a, related_down, scale)
    give(world_a, idle, energy)
    for i in range(2):
        project_for(world_a, title=f"Busy {i}", coach=exact_busy)
    project_for(world_a, title="Up busy", coach=related_up)
    project = project_for(world_a, title="Target", solution_area=boiler, coach=None)
    with world_a.context():
        suggestions = coaching.coach_suggestions(Project.objects.get(pk=project.pk))
    ranked = [(s.membership.user.full_name, s.match, s.load) for s in suggestions]
    # Exact beats a lower load; among related, lower load first; none last, ties by name.
    assert ranked[0] == ("Zoe Exact", "exact", 2)
    assert ranked[1:3] == [("Ben Descendant", "related", 0), ("Anna Ancestor", "related", 1)]
    assert {r[1] for r in ranked[3:]} == {"none"}
    nones = [r for r in ranked[3:]]
    assert nones == sorted(nones, key=lambda r: (r[2], r[0].lower()))
    membership, match, load, areas = suggestions[0]
    assert membership == exact_busy and match == "exact" and load == 2 and areas == [boiler]


def test_suggestions_ties_on_load_break_by_name_and_exclude_the_lead(world_a):
    _, boiler, _, _ = tree(world_a)
    bea = new_member(world_a, "Bea")
    abe = new_member(world_a, "Abe")
    give(world_a, bea, boiler)
    give(world_a, abe, boiler)
    lead_bb = new_member(world_a, "Lead Blackbelt", role=Role.REP)
    certify_black_belt(world_a, lead_bb)
    project = project_for(world_a, title="T", solution_area=boiler, coach=None, lead=lead_bb)
    with world_a.context():
        suggestions = coaching.coach_suggestions(Project.objects.get(pk=project.pk), limit=None)
    names = [s.membership.user.full_name for s in suggestions]
    assert names[:2] == ["Abe", "Bea"]
    assert "Lead Blackbelt" not in names


def test_no_area_ranks_by_load_only(world_a):
    busy = new_member(world_a, "Busy")
    project_for(world_a, title="B", coach=busy)
    project = project_for(world_a, title="T", coach=None)
    with world_a.context():
        suggestions = coaching.coach_suggestions(Project.objects.get(pk=project.pk), limit=None)
    assert all(s.match == "none" for s in suggestions)
    assert [s.load for s in suggestions] == sorted(s.load for s in suggestions)


# --- Expertise -----------------------------------------------------------------------------------


def test_expertise_own_or_admin_and_pool_only(world_a, world_b):
    water, boiler, _, _ = tree(world_a)
    coach = world_a.member("coach")
    other = new_member(world_a, "Other coach")
    with world_a.context():
        rows = coaching.expertise_set(actor=coach, coach=coach, areas=[water, boiler])
        assert [r.area for r in rows] == [water, boiler]
        coaching.expertise_set(actor=coach, coach=coach, areas=[boiler])
        assert list(CoachExpertise.objects.filter(coach=coach).values_list("area_id", flat=True)) == [boiler.pk]
        with pytest.raises(PermissionDenied):
            coaching.expertise_set(actor=other, coach=coach, areas=[water])
        with pytest.raises(ValidationError) as error:
            coaching.expertise_set(actor=world_a.admin, coach=world_a.rep, areas=[water])
        assert "coach" in error.value.message_dict
        foreign = area_for(world_b, "Foreign")
        with pytest.raises(ValidationError):
            coaching.expertise_set(actor=world_a.admin, coach=coach, areas=[foreign])
        with pytest.raises(PermissionDenied):
            coaching.expertise_set(actor=world_a.customer_x, coach=coach, areas=[])
        assert CoachExpertise.objects.filter(coach=coach).count() == 1
    # A certified Black Belt rep is in the pool.
    bb = new_member(world_a, "BB rep", role=Role.REP)
    certify_black_belt(world_a, bb)
    give(world_a, bb, water)


# --- Assignment ----------------------------------------------------------------------------------


def test_assign_by_lead_admin_or_coach_notifies_and_records(world_a):
    new_coach = new_member(world_a, "New coach")
    project = project_for(world_a, coach=None)
    with world_a.context():
        coaching.coach_assign(actor=world_a.rep, project=project, coach=new_coach)  # the lead
        assert Project.objects.get(pk=project.pk).coach_id == new_coach.pk
        assert Notification.objects.filter(recipient=new_coach, verb="coach.assigned", project=project).exists()
        assert project.activity.filter(verb="coach.assigned").exists()
        coaching.coach_assign(actor=world_a.admin, project=project, coach=world_a.member("coach"))
        coaching.coach_assign(actor=world_a.member("coach"), project=project, coach=new_coach)
        assert Project.objects.get(pk=project.pk).coach_id == new_coach.pk


def test_assign_refusals(world_a, world_b):
    project = project_for(world_a)
    coach = world_a.member("coach")
    other_rep = new_member(world_a, "Other rep", role=Role.REP)
    with world_a.context():
        with pytest.raises(PermissionDenied):  # a rep who is not the lead
            coaching.coach_assign(actor=other_rep, project=project, coach=coach)
        with pytest.raises(PermissionDenied):
            coaching.coach_assign(actor=world_a.member("champion"), project=project, coach=coach)
        with pytest.raises(PermissionDenied):
            coaching.coach_assign(actor=world_a.customer_x, project=project, coach=coach)
        with pytest.raises(ValidationError) as error:  # another tenant's coach
            coaching.coach_assign(actor=world_a.admin, project=project, coach=world_b.member("coach"))
        assert "coach" in error.value.message_dict
        with pytest.raises(ValidationError):  # not in the pool
            coaching.coach_assign(actor=world_a.admin, project=project, coach=world_a.member("champion"))
        with pytest.raises(ValidationError):  # a customer
            coaching.coach_assign(actor=world_a.admin, project=project, coach=world_a.customer_x)
    bb_lead = new_member(world_a, "BB lead", role=Role.REP)
    certify_black_belt(world_a, bb_lead)
    led = project_for(world_a, title="Led by a BB", lead=bb_lead)
    with world_a.context():
        with pytest.raises(ValidationError):  # the lead cannot coach their own project
            coaching.coach_assign(actor=world_a.admin, project=led, coach=bb_lead)
        assert Project.objects.get(pk=project.pk).coach_id == coach.pk
        assert Project.objects.get(pk=led.pk).coach_id == coach.pk


# --- Pages ---------------------------------------------------------------------------------------


def test_coaches_page_shows_areas_load_badge_and_filters(world_a, client_for):
    water, boiler, _, energy = tree(world_a)
    bb = new_member(world_a, "BB rep", role=Role.REP)
    certify_black_belt(world_a, bb)
    give(world_a, world_a.member("coach"), boiler)
    give(world_a, bb, energy)
    project_for(world_a)
    client = client_for(world_a.rep)
    page = client.get(url(world_a, "coaches/"))
    assert page.status_code == 200
    coaches = {c.pk: c for c in page.context["coaches"]}
    assert coaches[world_a.member("coach").pk].load == 1
    assert coaches[bb.pk].is_black_belt and not coaches[world_a.member("coach").pk].is_black_belt
    assert b"Boiler" in page.content and b"Black Belt" in page.content
    filtered = client.get(url(world_a, "coaches/"), {"area": str(water.pk)})  # descendants count
    assert [c.pk for c in filtered.context["coaches"]] == [world_a.member("coach").pk]
    assert client.get(url(world_a, "coaches/"), {"area": "junk"}).status_code == 200
    assert client_for(world_a.customer_x).get(url(world_a, "coaches/")).status_code == 403


@pytest.mark.parametrize("size", [2, 12])
def test_coaches_list_query_count(world_a, client_for, django_assert_max_num_queries, size):
    _water, boiler, scale, energy = tree(world_a)
    for i in range(size):
        member = new_member(world_a, f"Coach {i}")
        give(world_a, member, boiler, energy)
    project_for(world_a)
    client = client_for(world_a.rep)
    with django_assert_max_num_queries(12):
        response = client.get(url(world_a, "coaches/"))
    assert len(response.context["coaches"]) == size + 1
    project = project_for(world_a, title="Target", solution_area=scale)
    with django_assert_max_num_queries(12):
        response = client.get(url(world_a, f"{project.pk}/coach/"))
    assert len(response.context["suggestions"]) == size + 1


def test_expertise_page_checkboxes(world_a, client_for):
    water, _boiler, _, _ = tree(world_a)
    coach = world_a.member("coach")
    client = client_for(coach)
    page = client.get(url(world_a, f"coaches/{coach.pk}/expertise/"))
    assert page.status_code == 200 and page.context["can_edit"]
    response = client.post(url(world_a, f"coaches/{coach.pk}/expertise/"), {"areas": [str(water.pk), "junk"]})
    assert response.status_code == 302
    with world_a.context():
        assert list(CoachExpertise.objects.filter(coach=coach).values_list("area_id", flat=True)) == [water.pk]
    # Another member cannot change them; a non-coach has no expertise page.
    assert (
        client_for(world_a.rep).post(url(world_a, f"coaches/{coach.pk}/expertise/"), {"areas": []}).status_code == 403
    )
    assert client_for(world_a.admin).get(url(world_a, f"coaches/{world_a.rep.pk}/expertise/")).status_code == 404


def test_assign_page_marks_current_and_assigns(world_a, client_for):
    _, boiler, _, _ = tree(world_a)
    new_coach = new_member(world_a, "New coach")
    give(world_a, new_coach, boiler)
    project = project_for(world_a, solution_area=boiler)
    client = client_for(world_a.rep)  # the lead
    page = client.get(url(world_a, f"{project.pk}/coach/"))
    assert page.status_code == 200
    first = page.context["suggestions"][0]
    assert first.membership == new_coach and first.match == "exact"
    assert any(s.is_current and s.membership == world_a.member("coach") for s in page.context["suggestions"])
    assert b"Current coach" in page.content
    response = client.post(url(world_a, f"{project.pk}/coach/"), {"coach": str(new_coach.pk)})
    assert response.status_code == 302
    with world_a.context():
        assert Project.objects.get(pk=project.pk).coach_id == new_coach.pk
    bad = client.post(url(world_a, f"{project.pk}/coach/"), {"coach": str(world_a.member("champion").pk)})
    assert bad.status_code == 200 and bad.context["errors"]
    assert client.post(url(world_a, f"{project.pk}/coach/"), {"coach": "junk"}).status_code == 200


def test_assign_page_refuses_a_rep_who_is_not_lead_and_customers(world_a, client_for):
    project = project_for(world_a)
    other_rep = new_member(world_a, "Other rep", role=Role.REP)
    response = client_for(other_rep).post(
        url(world_a, f"{project.pk}/coach/"), {"coach": str(world_a.member("coach").pk)}
    )
    assert response.status_code == 403
    assert client_for(world_a.customer_x).get(url(world_a, f"{project.pk}/coach/")).status_code == 403


def test_assign_page_foreign_coach_is_an_error(world_a, world_b, client_for):
    project = project_for(world_a)
    response = client_for(world_a.admin).post(
        url(world_a, f"{project.pk}/coach/"), {"coach": str(world_b.member("coach").pk)}
    )
    assert response.status_code == 200 and response.context["errors"]
    with world_a.context():
        assert Project.objects.get(pk=project.pk).coach_id == world_a.member("coach").pk


# --- API -----------------------------------------------------------------------------------------


def test_api_coaches_and_expertise(world_a, api_for):
    _water, boiler, _, _ = tree(world_a)
    coach = world_a.member("coach")
    client = api_for(coach)
    created = client.post(
        api(world_a, "coach-expertise/"), {"coach": str(coach.pk), "area": str(boiler.pk)}, format="json"
    )
    assert created.status_code == 201, created.content
    dup = client.post(api(world_a, "coach-expertise/"), {"coach": str(coach.pk), "area": str(boiler.pk)}, format="json")
    assert dup.status_code == 400
    listed = client.get(api(world_a, "coaches/")).json()["results"]
    me = next(row for row in listed if row["id"] == str(coach.pk))
    assert [a["path"] for a in me["areas"]] == ["Water › Boiler"] and me["load"] == 0
    other = api_for(world_a.rep)
    assert other.delete(api(world_a, f"coach-expertise/{created.json()['id']}/")).status_code == 403
    assert client.delete(api(world_a, f"coach-expertise/{created.json()['id']}/")).status_code == 204
    assert api_for(world_a.customer_x).get(api(world_a, "coaches/")).status_code == 403


def test_api_suggestions_and_assign(world_a, world_b, api_for):
    _, boiler, _, _ = tree(world_a)
    new_coach = new_member(world_a, "New coach")
    give(world_a, new_coach, boiler)
    project = project_for(world_a, solution_area=boiler)
    client = api_for(world_a.rep)
    rows = client.get(api(world_a, f"projects/{project.pk}/coach-suggestions/")).json()
    assert rows[0]["coach"] == str(new_coach.pk) and rows[0]["match"] == "exact"
    foreign = client.post(
        api(world_a, f"projects/{project.pk}/assign-coach/"), {"coach": str(world_b.member("coach").pk)}, format="json"
    )
    assert foreign.status_code == 400 and "coach" in foreign.json()["error"]["fields"]
    not_pool = client.post(
        api(world_a, f"projects/{project.pk}/assign-coach/"),
        {"coach": str(world_a.member("champion").pk)},
        format="json",
    )
    assert not_pool.status_code == 400 and "coach" in not_pool.json()["error"]["fields"]
    ok = client.post(api(world_a, f"projects/{project.pk}/assign-coach/"), {"coach": str(new_coach.pk)}, format="json")
    assert ok.status_code == 200 and ok.json()["coach"] == str(new_coach.pk)
    other_rep = new_member(world_a, "Other rep", role=Role.REP)
    refused = api_for(other_rep).post(
        api(world_a, f"projects/{project.pk}/assign-coach/"), {"coach": str(world_a.member("coach").pk)}, format="json"
    )
    assert refused.status_code == 403
    with world_a.context():
        assert Project.objects.get(pk=project.pk).coach_id == new_coach.pk


def test_a_coach_assigned_to_a_pending_tollgate_is_told_it_awaits_them(world_a):
    from projects import workflow
    from projects.models import Notification
    from projects.tests.factories import project_for as _project_for

    project = _project_for(world_a, coach=None)
    coach = world_a.member("coach")
    with world_a.context():
        workflow.tollgate_submit(actor=world_a.rep, project=project)
        project.refresh_from_db()
        coaching.coach_assign(actor=world_a.rep, project=project, coach=coach)
        message = Notification.objects.get(recipient=coach, project=project).message
    assert "Candidate tollgate awaits your review" in message
