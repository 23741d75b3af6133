"""The program-office admin for the back office: the shared admin cases (tests/admin_cases.py) over data
sets, versions, analyses and settings, plus that edits and deletes go through the services."""

from __future__ import annotations

from typing import Any

from stats_backoffice.models import Analysis, DataSet, DataSetVersion, StatsSettings
from stats_backoffice.tests.factories import SMALL_CSV, analysis_for, stats_project, version_for
from tests.admin_cases import AdminCases, admin_url, change_form_data


class TestStatsAdmin(AdminCases):
    app_label = "stats_backoffice"

    @staticmethod
    def fill(world: Any, tag: str) -> dict[str, Any]:
        project = stats_project(world, title=f"Admin project {tag}")
        version = version_for(world, project=project, content=SMALL_CSV, name=f"survey-{tag}.csv")
        analysis = analysis_for(world, version)
        with world.context():
            settings = StatsSettings.objects.create(max_upload_mb=100)
        return {"version": version, "analysis": analysis, "settings": settings}

    def test_a_rename_in_the_admin_goes_through_the_service(self, admin_a: Any, world_a: Any, rows_a: Any) -> None:
        version = rows_a["version"]
        url = admin_url(DataSet, f"{version.dataset_id}/change/")
        data = change_form_data(admin_a.get(url))
        data.update({"name": "Renamed alpha", "phase": "measure", "internal_only": "on"})
        response = admin_a.post(url, data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        with world_a.context():
            dataset = DataSet.objects.get(pk=version.dataset_id)
            assert (dataset.name, dataset.phase, dataset.internal_only) == ("Renamed alpha", "measure", True)
            # the service also made the data set's reading job internal (customers no longer see it)
            assert DataSetVersion.objects.get(pk=version.pk).job.customer_account_id is None

    def test_delete_in_the_admin_removes_the_analyses_too(self, admin_a: Any, world_a: Any, rows_a: Any) -> None:
        version = rows_a["version"]
        response = admin_a.post(admin_url(DataSet, f"{version.dataset_id}/delete/"), {"post": "yes"})
        assert response.status_code == 302
        with world_a.context():
            assert not DataSet.objects.filter(pk=version.dataset_id).exists()
            assert not Analysis.objects.filter(version_id=version.pk).exists()

    def test_versions_and_analyses_are_read_only(self, admin_a: Any, rows_a: Any) -> None:
        version, analysis = rows_a["version"], rows_a["analysis"]
        assert admin_a.get(admin_url(DataSetVersion, "add/")).status_code == 403
        assert admin_a.get(admin_url(Analysis, "add/")).status_code == 403
        assert admin_a.post(admin_url(DataSetVersion, f"{version.pk}/delete/")).status_code == 403
        assert admin_a.post(admin_url(Analysis, f"{analysis.pk}/delete/")).status_code == 403
