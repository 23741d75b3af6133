"""The program-office admin for knowledge: the shared admin cases (tests/admin_cases.py) over the
solution-area tree, plus that the admin writes through the taxonomy services."""

from __future__ import annotations

from typing import Any

from knowledge import taxonomy
from knowledge.models import SolutionArea
from tests.admin_cases import AdminCases, admin_url


class TestKnowledgeAdmin(AdminCases):
    app_label = "knowledge"

    @staticmethod
    def fill(world: Any, tag: str) -> dict[str, Any]:
        with world.context():
            water = taxonomy.area_create(actor=world.admin, name=f"Water {tag}")
            boiler = taxonomy.area_create(actor=world.admin, name=f"Boiler {tag}", parent=water)
        return {"water": water, "boiler": boiler}

    def test_a_move_in_the_admin_repaths_the_subtree(self, admin_a: Any, world_a: Any, rows_a: Any) -> None:
        water, boiler = rows_a["water"], rows_a["boiler"]
        with world_a.context():
            steam = taxonomy.area_create(actor=world_a.admin, name="Steam alpha")
        response = admin_a.post(
            admin_url(SolutionArea, f"{water.pk}/change/"),
            {"name": "Water alpha", "parent": str(steam.pk), "description": "", "is_active": "on"},
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        with world_a.context():
            assert SolutionArea.objects.get(pk=boiler.pk).path == "Steam alpha › Water alpha › Boiler alpha"

    def test_unticking_active_retires_the_subtree(self, admin_a: Any, world_a: Any, rows_a: Any) -> None:
        water = rows_a["water"]
        response = admin_a.post(admin_url(SolutionArea, f"{water.pk}/change/"), {"name": "Water alpha"})
        assert response.status_code == 302, response.context["adminform"].form.errors
        with world_a.context():
            assert not SolutionArea.objects.filter(path__startswith="Water alpha", is_active=True).exists()
