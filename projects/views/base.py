"""The one base of the projects pages: the member, the tenant slug, the scoped project lookup
(``projects_for``: 404 for outsiders and customers of other accounts), then the write permission
named by ``manage_action``; URL helpers and a safe ``next`` redirect."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from core.models import Membership
from core.permissions import can
from core.views import TenantScopedViewMixin
from projects import selectors
from projects.models import Project


class ProjectPageMixin(TenantScopedViewMixin):
    """Lookups through ``projects_for`` (scoped, flags annotated), then the write permission."""

    model = Project
    manage_action: ClassVar[str | None] = None
    kwargs: dict[str, Any]

    @property
    def member(self) -> Membership:
        return self.request.membership  # type: ignore[attr-defined,no-any-return]

    @property
    def slug(self) -> str:
        return self.request.tenant.slug  # type: ignore[attr-defined,no-any-return]

    def require(self, action: str) -> None:
        if not can(self.member, action):
            raise PermissionDenied("Your role does not allow this.")

    def projects(self) -> QuerySet[Project]:
        return selectors.projects_for(self.member)

    def get_project(self) -> Project:
        """The project of the URL through the member's scoped queryset, then ``manage_action``."""
        project = get_object_or_404(self.projects(), pk=self.kwargs["pk"])
        if self.manage_action:
            self.require(self.manage_action)
        return project

    def url(self, name: str, **kwargs: Any) -> str:
        """A tenant URL by name; names without a namespace are the projects app's."""
        return reverse(name if ":" in name else f"projects:{name}", kwargs={"tenant_slug": self.slug, **kwargs})

    def detail_url(self, project: Project, anchor: str = "") -> str:
        return self.url("detail", pk=project.pk) + (f"#{anchor}" if anchor else "")

    def next_url(self, default: str) -> str:
        """``next`` from the request when it is a local path, else ``default``."""
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()}):
            return target
        return default
