"""Pages · taxonomy (namespace ``knowledge``): the solution-area tree, add and edit/move/retire an area.

Internal reference data: customers get 403 (``taxonomy.view`` is internal); managing needs
``taxonomy.manage`` (admins and coaches).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views import View

from core.forms.base import apply_service_errors
from core.permissions import can
from core.views.base import PageMixin
from knowledge import taxonomy
from knowledge.forms.taxonomy import AreaForm
from knowledge.models import SolutionArea


class _Page(PageMixin):
    url_namespace = "knowledge"


class AreasView(_Page, View):
    """The tree, indented, with project counts; ``?q=`` searches names/paths, ``?retired=1`` shows retired."""

    model = SolutionArea
    required_action = "taxonomy.view"

    def get(self, request: HttpRequest, tenant_slug: str) -> HttpResponse:
        q = request.GET.get("q", "").strip()[:100]
        show_retired = request.GET.get("retired") == "1"
        areas = list(taxonomy.areas_tree(membership=self.member, q=q, active=None if show_retired else True))
        context = {
            "areas": areas,
            "q": q,
            "show_retired": show_retired,
            "any_area": bool(areas) or taxonomy.areas_for(self.member).exists(),
            "can_manage": can(self.member, "taxonomy.manage"),
            "subnav": "areas",
            "active_nav": "projects",
        }
        return render(request, "knowledge/taxonomy/areas.html", context)


class _AreaFormPage(_Page, View):
    model = SolutionArea
    required_action = "taxonomy.manage"

    def page(self, form: AreaForm, area: SolutionArea | None = None) -> HttpResponse:
        return render(
            self.request,
            "knowledge/taxonomy/area_form.html",
            {"form": form, "area": area, "subnav": "areas", "active_nav": "projects"},
        )

    def saved(self, form: AreaForm, save: Callable[[], SolutionArea], message: str) -> HttpResponse | None:
        """Run the service; its refusal goes on the form (None: show the form again)."""
        try:
            area = save()
        except ValidationError as error:
            apply_service_errors(form, error)
            return None
        messages.success(self.request, message.format(path=area.path))
        return redirect(self.url("areas"))


class AreaCreateView(_AreaFormPage):
    def get(self, request: HttpRequest, tenant_slug: str) -> HttpResponse:
        initial: dict[str, Any] = {}
        if request.GET.get("parent"):
            initial["parent"] = taxonomy.area_get(membership=self.member, area_id=request.GET["parent"])
        return self.page(AreaForm(initial=initial))

    def post(self, request: HttpRequest, tenant_slug: str) -> HttpResponse:
        form = AreaForm(request.POST)
        if form.is_valid():
            done = self.saved(
                form, lambda: taxonomy.area_create(actor=self.member, **form.cleaned_data), "Area “{path}” added."
            )
            if done is not None:
                return done
        return self.page(form)


class AreaEditView(_AreaFormPage):
    """Rename, move (the sub-areas follow), retire or restore an area."""

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("parent")

    def get(self, request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
        area: SolutionArea = self.get_object()
        form = AreaForm(initial={"name": area.name, "parent": area.parent, "description": area.description}, area=area)
        return self.page(form, area)

    def post(self, request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
        area: SolutionArea = self.get_object()
        if request.POST.get("op") in ("retire", "restore"):
            return self.retire_or_restore(area, request.POST["op"])
        form = AreaForm(request.POST, area=area)
        if form.is_valid():
            done = self.saved(
                form,
                lambda: taxonomy.area_update(actor=self.member, area=area, **form.cleaned_data),
                "Area “{path}” saved.",
            )
            if done is not None:
                return done
        return self.page(form, area)

    def retire_or_restore(self, area: SolutionArea, op: str) -> HttpResponse:
        try:
            if op == "retire":
                taxonomy.area_retire(actor=self.member, area=area)
                messages.success(self.request, f"“{area.path}” and its sub-areas are retired; projects keep them.")
            else:
                taxonomy.area_restore(actor=self.member, area=area)
                messages.success(self.request, f"“{area.path}” is offered again.")
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
        return redirect(self.url("areas"))


urlpatterns: list[URLPattern] = [
    path("areas/", AreasView.as_view(), name="areas"),
    path("areas/new/", AreaCreateView.as_view(), name="area-create"),
    path("areas/<uuid:pk>/edit/", AreaEditView.as_view(), name="area-edit"),
]
