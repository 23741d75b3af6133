"""The bases of the projects pages.

* ``ProjectsPage`` — any page of the app: ``core.views.base.PageMixin`` (role check, scoped
  lookups, namespaced URLs, a safe ``next``) on a Django ``View``, with the typed request.
* ``ProjectPage`` — a page about one project of the URL: looked up through ``projects_for`` (404 for
  outsiders and customers of other accounts, flags annotated), *then* the write permission named by
  ``manage_action`` (403).

Handlers take the URL's values as ``**_url`` and read them from ``self.kwargs`` (``self.slug`` for
the tenant), so every page reads them the same way.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.views import View
from typing_extensions import override

from core.http import TenantRequest
from core.views.base import PageMixin
from projects.models import Project
from projects.projects import projects_for


class ProjectsPage(PageMixin, View):
    """A page of the projects app (URL names in the ``projects`` namespace)."""

    request: TenantRequest
    url_namespace = "projects"


class ProjectPage(ProjectsPage):
    """A page about one project: the member's scoped, annotated project queryset, then the write permission."""

    model = Project
    required_action = "projects.view"

    @override
    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return projects_for(self.member)

    def get_project(self) -> Project:
        """The project of the URL (``pk``) through the member's scoped queryset, then ``manage_action``."""
        project: Project = self.get_object()
        return project

    def find_project(self) -> Project:
        """The project of the URL without the write permission (a GET that only leads back to it)."""
        project: Project = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        return project

    def detail_url(self, project: Project, anchor: str = "") -> str:
        return self.url("detail", pk=project.pk) + (f"#{anchor}" if anchor else "")
