"""The bases of the back-office pages (namespace ``stats``).

* ``StatsPage`` — any page of the app.
* ``ProjectStatsPage`` — a page about one project of the URL (``pk``), looked up through
  ``projects_for`` (404 for outsiders and customers of other accounts).
* ``DataSetPage`` / ``AnalysisPage`` — a page about one data set / analysis (``pk``) through the
  area's selector, which also hides internal data sets from customers (404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.views import View
from typing_extensions import override

from core.http import TenantRequest
from core.views.base import PageMixin
from projects.models import Project
from projects.projects import projects_for
from stats_backoffice.analyses import analyses_for
from stats_backoffice.datasets import datasets_for
from stats_backoffice.models import Analysis, DataSet


class StatsPage(PageMixin, View):
    request: TenantRequest
    url_namespace = "stats"

    def project_url(self, project: Project, anchor: str = "analyze") -> str:
        return self.url("projects:detail", pk=project.pk) + (f"#{anchor}" if anchor else "")


class ProjectStatsPage(StatsPage):
    model = Project

    @override
    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return projects_for(self.member)

    def get_project(self) -> Project:
        project: Project = self.get_object()
        return project


class DataSetPage(StatsPage):
    model = DataSet

    @override
    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return datasets_for(self.member)

    def get_dataset(self) -> DataSet:
        dataset: DataSet = self.get_object()
        return dataset


class AnalysisPage(StatsPage):
    model = Analysis

    @override
    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return analyses_for(self.member)

    def get_analysis(self) -> Analysis:
        analysis: Analysis = self.get_object()
        return analysis
