"""Isolation registry of the back office's pages and API (merged by tests/test_isolation.py).

A data set, its version and an analysis belong to a project of account X in world A: every route is
account-bound (A's customer of account Y gets 404, customer X sees them), except attach (our people
only: a customer gets 403 before any lookup) and cancel (jobs.cancel is internal).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stats_backoffice.models import Analysis, DataSet
from stats_backoffice.tests.factories import analysis_for, stats_project, version_for

TITLE = "Isolation · back office"


def _version(world: Any) -> Any:
    project = stats_project(world, TITLE)
    with world.context():
        dataset = DataSet.objects.filter(project=project).first()
        if dataset is not None:
            return dataset.versions.order_by("-number").first()
    return version_for(world, project=project)


def _analysis(world: Any) -> Analysis:
    version = _version(world)
    with world.context():
        existing = Analysis.objects.filter(version=version).first()
    return existing or analysis_for(world, version)


def _project(world: Any) -> dict[str, str]:
    return {"pk": str(stats_project(world, TITLE).pk)}


def _dataset(world: Any) -> dict[str, str]:
    return {"pk": str(_version(world).dataset_id)}


def _dataset_version(world: Any) -> dict[str, str]:
    version = _version(world)
    return {"pk": str(version.dataset_id), "version_pk": str(version.pk)}


def _analysis_page(world: Any) -> dict[str, str]:
    return {"pk": str(_analysis(world).pk)}


def _api_dataset(world: Any) -> dict[str, str]:
    return {"id": str(_version(world).dataset_id)}


def _api_version(world: Any) -> dict[str, str]:
    return {"id": str(_version(world).pk)}


def _api_analysis(world: Any) -> dict[str, str]:
    return {"id": str(_analysis(world).pk)}


OBJECT_ROUTES: dict[str, tuple[Callable[[Any], dict[str, str]], bool]] = {
    "dataset-create": (_project, True),
    "dataset-detail": (_dataset, True),
    "dataset-edit": (_dataset, False),
    "dataset-delete": (_dataset, False),
    "version-create": (_dataset, True),
    "version-status": (_dataset_version, True),
    "version-download": (_dataset_version, True),
    "analysis-create": (_dataset, True),
    "analysis-detail": (_analysis_page, True),
    "analysis-status": (_analysis_page, True),
    "analysis-cancel": (_analysis_page, False),
    "analysis-attach": (_analysis_page, False),
    "analysis-compare": (_analysis_page, True),
    "analysis-coefficients-csv": (_analysis_page, True),
    "analysis-rows-csv": (_analysis_page, True),
    "api-dataset-detail": (_api_dataset, True),
    "api-dataset-versions": (_api_dataset, True),
    "api-dataset-version-detail": (_api_version, True),
    "api-dataset-version-profile": (_api_version, True),
    "api-dataset-version-preview": (_api_version, True),
    "api-dataset-version-download": (_api_version, True),
    "api-analysis-detail": (_api_analysis, True),
    "api-analysis-result": (_api_analysis, True),
    "api-analysis-cancel": (_api_analysis, False),
    "api-analysis-attach": (_api_analysis, False),
}
