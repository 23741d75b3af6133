"""Solution-area taxonomy: services (path, move, cycle, depth, retire), pages and API."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from knowledge import taxonomy
from knowledge.models import MAX_DEPTH, SolutionArea
from projects.tests.factories import area_for, project_for


def areas_url(world, rest: str = "") -> str:
    return f"/t/{world.slug}/knowledge/areas/{rest}"


def api_url(world, rest: str = "") -> str:
    return f"/api/v1/t/{world.slug}/solution-areas/{rest}"


def chain(world, depth: int) -> list[SolutionArea]:
    """Areas L0 › L1 › … (``depth`` nodes)."""
    nodes: list[SolutionArea] = []
    with world.context():
        for i in range(depth):
            nodes.append(taxonomy.area_create(actor=world.admin, name=f"L{i}", parent=nodes[-1] if nodes else None))
    return nodes


# --- Services ---------------------------------------------------------------------------------


def test_create_builds_path_and_depth(world_a):
    with world_a.context():
        water = taxonomy.area_create(actor=world_a.admin, name="  Water treatment ", description="All water")
        boiler = taxonomy.area_create(actor=world_a.member("coach"), name="Boiler water", parent=water)
        scale = taxonomy.area_create(actor=world_a.admin, name="Scale control", parent=boiler)
    assert (water.path, water.depth, water.name) == ("Water treatment", 0, "Water treatment")
    assert (boiler.path, boiler.depth) == ("Water treatment › Boiler water", 1)
    assert (scale.path, scale.depth) == ("Water treatment › Boiler water › Scale control", 2)


def test_create_refuses_bad_names_duplicates_and_roles(world_a):
    with world_a.context():
        water = taxonomy.area_create(actor=world_a.admin, name="Water")
        with pytest.raises(ValidationError) as error:
            taxonomy.area_create(actor=world_a.admin, name="A › B")
        assert "name" in error.value.message_dict
        with pytest.raises(ValidationError):
            taxonomy.area_create(actor=world_a.admin, name="")
        with pytest.raises(ValidationError):
            taxonomy.area_create(actor=world_a.admin, name="Water")  # duplicate root
        taxonomy.area_create(actor=world_a.admin, name="Boiler", parent=water)
        with pytest.raises(ValidationError):
            taxonomy.area_create(actor=world_a.admin, name="Boiler", parent=water)  # duplicate sibling
        with pytest.raises(PermissionDenied):
            taxonomy.area_create(actor=world_a.rep, name="Reps cannot")
        with pytest.raises(PermissionDenied):
            taxonomy.area_create(actor=world_a.customer_x, name="Customers cannot")
        assert SolutionArea.objects.count() == 2


def test_create_refuses_a_parent_of_another_tenant(world_a, world_b):
    foreign = area_for(world_b, "Foreign")
    with world_a.context():
        with pytest.raises(ValidationError) as error:
            taxonomy.area_create(actor=world_a.admin, name="Mine", parent=foreign)
        assert "parent" in error.value.message_dict
        assert not SolutionArea.objects.exists()


def test_move_and_rename_recompute_the_whole_subtree(world_a):
    with world_a.context():
        water = taxonomy.area_create(actor=world_a.admin, name="Water")
        boiler = taxonomy.area_create(actor=world_a.admin, name="Boiler", parent=water)
        scale = taxonomy.area_create(actor=world_a.admin, name="Scale", parent=boiler)
        energy = taxonomy.area_create(actor=world_a.admin, name="Energy")
        taxonomy.area_update(actor=world_a.admin, area=boiler, parent=energy, name="Steam")
        scale.refresh_from_db()
        boiler.refresh_from_db()
        assert (boiler.path, boiler.depth) == ("Energy › Steam", 1)
        assert (scale.path, scale.depth) == ("Energy › Steam › Scale", 2)
        taxonomy.area_update(actor=world_a.admin, area=boiler, parent=None)
        scale.refresh_from_db()
        assert (scale.path, scale.depth) == ("Steam › Scale", 1)
        taxonomy.area_update(actor=world_a.admin, area=energy, name="Power")  # rename leaves others alone
        scale.refresh_from_db()
        assert scale.path == "Steam › Scale"


def test_move_refuses_cycles_and_changes_nothing(world_a):
    a, b, c = chain(world_a, 3)
    with world_a.context():
        for target in (a, b, c):
            with pytest.raises(ValidationError) as error:
                taxonomy.area_update(actor=world_a.admin, area=a, parent=target)
            assert "parent" in error.value.message_dict
        a.refresh_from_db()
        c.refresh_from_db()
        assert a.parent_id is None and c.path == "L0 › L1 › L2"


def test_depth_is_limited_for_new_nodes_and_for_moved_subtrees(world_a):
    nodes = chain(world_a, MAX_DEPTH)
    assert nodes[-1].depth == MAX_DEPTH - 1
    with world_a.context():
        with pytest.raises(ValidationError) as error:
            taxonomy.area_create(actor=world_a.admin, name="Too deep", parent=nodes[-1])
        assert "parent" in error.value.message_dict
        other = taxonomy.area_create(actor=world_a.admin, name="Other")
        taxonomy.area_create(actor=world_a.admin, name="Child", parent=other)
        # Other (height 2) under L4 would put Child at depth 6.
        with pytest.raises(ValidationError):
            taxonomy.area_update(actor=world_a.admin, area=other, parent=nodes[-2])
        other.refresh_from_db()
        assert (other.parent_id, other.depth) == (None, 0)
        assert SolutionArea.objects.get(name="Child").path == "Other › Child"


def test_retire_keeps_projects_and_subareas_but_stops_offering(world_a):
    water = area_for(world_a, "Water")
    boiler = area_for(world_a, "Boiler", parent=water)
    project = project_for(world_a, solution_area=boiler)
    with world_a.context():
        taxonomy.area_retire(actor=world_a.member("coach"), area=water)
        assert not SolutionArea.objects.get(pk=boiler.pk).is_active
        project.refresh_from_db()
        assert project.solution_area_id == boiler.pk
        with pytest.raises(PermissionDenied):
            taxonomy.area_retire(actor=world_a.rep, area=water)
        with pytest.raises(ValidationError):
            taxonomy.area_restore(actor=world_a.admin, area=SolutionArea.objects.get(pk=boiler.pk))
        taxonomy.area_restore(actor=world_a.admin, area=water)
        assert SolutionArea.objects.get(pk=water.pk).is_active


# --- Pages ------------------------------------------------------------------------------------


def test_empty_tree_offers_the_first_area(world_a, client_for):
    page = client_for(world_a.admin).get(areas_url(world_a))
    assert page.status_code == 200
    assert b"Add the first area" in page.content
    rep_page = client_for(world_a.rep).get(areas_url(world_a))
    assert b"An admin or a coach can add the first area" in rep_page.content


def test_tree_shows_counts_search_and_hides_retired(world_a, client_for):
    water = area_for(world_a, "Water treatment")
    boiler = area_for(world_a, "Boiler water", parent=water)
    area_for(world_a, "Cooling towers", parent=water)
    project_for(world_a, solution_area=boiler)
    client = client_for(world_a.rep)
    page = client.get(areas_url(world_a))
    areas = {a.name: a for a in page.context["areas"]}
    assert [a.name for a in page.context["areas"]] == ["Water treatment", "Boiler water", "Cooling towers"]
    assert areas["Boiler water"].project_count == 1 and areas["Water treatment"].project_count == 0
    assert b"Add an area" not in page.content  # reps cannot manage
    found = client.get(areas_url(world_a), {"q": "boiler"})
    assert [a.name for a in found.context["areas"]] == ["Boiler water"]
    with world_a.context():
        taxonomy.area_retire(actor=world_a.admin, area=boiler)
    assert "Boiler water" not in [a.name for a in client.get(areas_url(world_a)).context["areas"]]
    shown = client.get(areas_url(world_a), {"retired": "1"}).context["areas"]
    assert "Boiler water" in [a.name for a in shown]


def test_create_and_edit_pages(world_a, client_for):
    client = client_for(world_a.member("coach"))
    response = client.post(areas_url(world_a, "new/"), {"name": "Water", "parent": "", "description": ""})
    assert response.status_code == 302
    with world_a.context():
        water = SolutionArea.objects.get(name="Water")
    response = client.post(areas_url(world_a, "new/"), {"name": "Boiler", "parent": str(water.pk)})
    assert response.status_code == 302
    with world_a.context():
        boiler = SolutionArea.objects.get(name="Boiler")
    assert boiler.path == "Water › Boiler"
    # A bad name is a form error, nothing saved.
    bad = client.post(areas_url(world_a, "new/"), {"name": "x › y", "parent": ""})
    assert bad.status_code == 200 and bad.context["form"].errors["name"]
    # Edit: its own sub-area is not offered as a parent; posting it anyway is a form error.
    edit = client.get(areas_url(world_a, f"{water.pk}/edit/"))
    with world_a.context():
        assert boiler not in list(edit.context["form"].fields["parent"].queryset)
    cycle = client.post(areas_url(world_a, f"{water.pk}/edit/"), {"name": "Water", "parent": str(boiler.pk)})
    assert cycle.status_code == 200 and cycle.context["form"].errors
    renamed = client.post(areas_url(world_a, f"{water.pk}/edit/"), {"name": "H2O", "parent": ""})
    assert renamed.status_code == 302
    with world_a.context():
        assert SolutionArea.objects.get(pk=boiler.pk).path == "H2O › Boiler"
    retired = client.post(areas_url(world_a, f"{water.pk}/edit/"), {"op": "retire"})
    assert retired.status_code == 302
    with world_a.context():
        assert SolutionArea.objects.filter(is_active=False).count() == 2


def test_pages_refuse_customers_and_non_managers(world_a, client_for):
    water = area_for(world_a, "Water")
    customer = client_for(world_a.customer_x)
    assert customer.get(areas_url(world_a)).status_code == 403
    rep = client_for(world_a.rep)
    assert rep.get(areas_url(world_a, "new/")).status_code == 403
    assert rep.post(areas_url(world_a, f"{water.pk}/edit/"), {"name": "Hacked"}).status_code == 403
    with world_a.context():
        assert SolutionArea.objects.get(pk=water.pk).name == "Water"


# --- API --------------------------------------------------------------------------------------


def test_api_list_filters_create_and_move(world_a, api_for):
    water = area_for(world_a, "Water")
    boiler = area_for(world_a, "Boiler", parent=water)
    client = api_for(world_a.admin)
    body = client.get(api_url(world_a), {"q": "boil"}).json()
    assert [row["path"] for row in body["results"]] == ["Water › Boiler"]
    created = client.post(api_url(world_a), {"name": "Energy", "parent": None}, format="json")
    assert created.status_code == 201, created.content
    energy_id = created.json()["id"]
    moved = client.patch(api_url(world_a, f"{boiler.pk}/"), {"parent": energy_id}, format="json")
    assert moved.status_code == 200 and moved.json()["path"] == "Energy › Boiler"
    cycle = client.patch(api_url(world_a, f"{water.pk}/"), {"parent": str(water.pk)}, format="json")
    assert cycle.status_code == 400 and "parent" in cycle.json()["error"]["fields"]
    retired = client.patch(api_url(world_a, f"{water.pk}/"), {"is_active": False}, format="json")
    assert retired.status_code == 200 and retired.json()["is_active"] is False
    active = client.get(api_url(world_a), {"active": "true"}).json()["results"]
    assert [row["name"] for row in active] == ["Energy", "Boiler"]


def test_api_rescopes_parent_and_refuses_customers_and_reps(world_a, world_b, api_for):
    foreign = area_for(world_b, "Foreign")
    client = api_for(world_a.admin)
    response = client.post(api_url(world_a), {"name": "Mine", "parent": str(foreign.pk)}, format="json")
    assert response.status_code == 400 and "parent" in response.json()["error"]["fields"]
    assert api_for(world_a.customer_x).get(api_url(world_a)).status_code == 403
    assert api_for(world_a.rep).post(api_url(world_a), {"name": "Rep"}, format="json").status_code == 403
    assert api_for(world_a.rep).get(api_url(world_a)).status_code == 200
    with world_a.context():
        assert not SolutionArea.objects.exists()


# --- Regression: a NUL byte in the search (PostgreSQL text cannot hold one) ---------------------


def test_search_with_a_nul_byte_is_not_a_server_error(world_a, client_for, api_for):
    area_for(world_a, "Boiler water")
    page = client_for(world_a.admin).get(areas_url(world_a), {"q": "Boil\x00er"})
    assert page.status_code == 200
    assert "Boiler water" in page.content.decode()  # the NUL is dropped, the rest still searched
    api = api_for(world_a.admin).get(api_url(world_a), {"q": "Boil\x00er"})
    assert api.status_code == 200
    assert [row["name"] for row in api.json()["results"]] == ["Boiler water"]
