"""The one base of the projects API viewsets (beside ``projects/views/base.py`` for the pages).

``ProjectsAreaViewSet`` is ``core.api.base.TenantScopedViewSet`` (tenant and customer-account
scope, UUID ids, fail-closed ``action_permissions``) plus what every area's viewsets share: a
project id from a request body re-scoped to what the caller may see (``project_from``) and the
saved row read back through the scoped queryset for the answer (``reread``).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model

from core.api.base import TenantScopedViewSet
from core.api.errors import ERROR_RESPONSE
from projects.models import Project
from projects.projects import projects_scoped

M = TypeVar("M", bound=Model)

ERROR = ERROR_RESPONSE  # the shared documented error answer


class ProjectsAreaViewSet(TenantScopedViewSet):
    """Base of every projects viewset."""

    def project_from(self, pk: Any) -> Project:
        """A project id from a body, re-scoped to what the member may see (else a 400)."""
        project = projects_scoped(self.membership).filter(pk=pk).first()
        if project is None:
            raise ValidationError({"project": "Not found in this workspace."})
        return project

    def get_project(self) -> Project:
        """The project of a detail route on ``/projects/<id>/…`` (the area actions composed into
        ``ProjectViewSet``)."""
        project = self.get_object()
        assert isinstance(project, Project)
        return project

    def reread(self, obj: M) -> M:
        """``obj`` as the scoped queryset reads it (joins and annotations of ``safely_get_queryset``)."""
        row: M = self.get_queryset().get(pk=obj.pk)
        return row
