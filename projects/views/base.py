"""The one base of the projects pages: the member, the tenant slug, the scoped project lookup
(``projects_for``: 404 for outsiders and customers of other accounts), then the write permission
named by ``manage_action``; URL helpers and a safe ``next`` redirect come from ``core.views.base.PageMixin``."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from core.views.base import PageMixin
from projects.models import Project
from projects.projects import projects_for


class ProjectPageMixin(PageMixin):
    """Lookups through ``projects_for`` (scoped, flags annotated), then the write permission."""

    model = Project
    url_namespace = "projects"

    def projects(self) -> QuerySet[Project]:
        return projects_for(self.member)

    def get_project(self) -> Project:
        """The project of the URL through the member's scoped queryset, then ``manage_action``."""
        project = get_object_or_404(self.projects(), pk=self.kwargs["pk"])
        if self.manage_action:
            self.require(self.manage_action)
        return project

    def detail_url(self, project: Project, anchor: str = "") -> str:
        return self.url("detail", pk=project.pk) + (f"#{anchor}" if anchor else "")
