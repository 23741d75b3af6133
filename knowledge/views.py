"""Knowledge pages (namespace ``knowledge``): the solution-area tree, add and edit/move/retire an area.

Internal reference data: customers get 403 (``taxonomy.view`` is internal); managing needs
``taxonomy.manage`` (admins and coaches).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.views import View

from core.forms.base import apply_service_errors
from core.models import Membership
from core.parsing import parse_uuid
from core.permissions import can
from core.views.base import TenantScopedViewMixin
from knowledge import selectors, services
from knowledge.forms import AreaForm
from knowledge.models import SolutionArea


class _Page(TenantScopedViewMixin):
    kwargs: dict[str, Any]

    @property
    def member(self) -> Membership:
        return self.request.membership  # type: ignore[attr-defined,no-any-return]

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"knowledge:{name}", kwargs={"tenant_slug": self.request.tenant.slug, **kwargs})  # type: ignore[attr-defined]


class AreasView(_Page, View):
    """The tree, indented, with project counts; ``?q=`` searches names/paths, ``?retired=1`` shows retired."""

    model = SolutionArea
    required_action = "taxonomy.view"

    def get(self, request: HttpRequest, tenant_slug: str) -> HttpResponse:
        q = request.GET.get("q", "").strip()[:100]
        show_retired = request.GET.get("retired") == "1"
        areas = list(selectors.areas_tree(q=q, active=None if show_retired else True))
        context = {
            "areas": areas,
            "q": q,
            "show_retired": show_retired,
            "any_area": bool(areas) or SolutionArea.objects.exists(),
            "can_manage": can(self.member, "taxonomy.manage"),
            "subnav": "areas",
            "active_nav": "projects",
        }
        return render(request, "knowledge/areas.html", context)


class AreaCreateView(_Page, View):
    model = SolutionArea
    required_action = "taxonomy.manage"

    def get(self, request: HttpRequest, tenant_slug: str) -> HttpResponse:
        initial: dict[str, Any] = {}
        parent_id = request.GET.get("parent")
        if parent_id:
            initial["parent"] = (
                SolutionArea.objects.filter(pk=parent_id).first() if (parse_uuid(parent_id) is not None) else None
            )
        return self.page(AreaForm(initial=initial))

    def post(self, request: HttpRequest, tenant_slug: str) -> HttpResponse:
        form = AreaForm(request.POST)
        if form.is_valid():
            try:
                area = services.area_create(actor=self.member, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"Area “{area.path}” added.")
                return redirect(self.url("areas"))
        return self.page(form)

    def page(self, form: AreaForm, area: SolutionArea | None = None) -> HttpResponse:
        return render(
            self.request,
            "knowledge/area_form.html",
            {"form": form, "area": area, "subnav": "areas", "active_nav": "projects"},
        )


class AreaEditView(AreaCreateView):
    """Rename, move (the sub-areas follow), retire or restore an area."""

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("parent")

    def get_area(self) -> SolutionArea:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])  # type: ignore[no-any-return]

    def get(self, request: HttpRequest, tenant_slug: str, pk: Any = None) -> HttpResponse:  # type: ignore[override]
        area = self.get_area()
        form = AreaForm(initial={"name": area.name, "parent": area.parent, "description": area.description}, area=area)
        return self.page(form, area)

    def post(self, request: HttpRequest, tenant_slug: str, pk: Any = None) -> HttpResponse:  # type: ignore[override]
        area = self.get_area()
        if not can(self.member, "taxonomy.manage"):
            raise PermissionDenied("Your role does not allow this.")
        if request.POST.get("op") in ("retire", "restore"):
            try:
                if request.POST["op"] == "retire":
                    services.area_retire(actor=self.member, area=area)
                    messages.success(request, f"“{area.path}” and its sub-areas are retired; projects keep them.")
                else:
                    services.area_restore(actor=self.member, area=area)
                    messages.success(request, f"“{area.path}” is offered again.")
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            return redirect(self.url("areas"))
        form = AreaForm(request.POST, area=area)
        if form.is_valid():
            try:
                services.area_update(actor=self.member, area=area, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"Area “{area.path}” saved.")
                return redirect(self.url("areas"))
        return self.page(form, area)


urlpatterns: list[URLPattern] = [
    path("areas/", AreasView.as_view(), name="areas"),
    path("areas/new/", AreaCreateView.as_view(), name="area-create"),
    path("areas/<uuid:pk>/edit/", AreaEditView.as_view(), name="area-edit"),
]
