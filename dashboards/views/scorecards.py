"""Pages of the scorecards area: a relationship's scorecard (grid, charts, spotlight), its
definitions and agreement, and the tenant's metric templates (admins).

Every page looks the relationship up through the member's scoped queryset first (404 for other
tenants and other customer accounts), then checks what the member may do; writes go through
``dashboards.scorecards`` (``ValidationError`` → form errors, ``PermissionDenied`` → 403). The
results pages (``dashboards.views.results``) share ``ScorecardPage``.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views import View

from core import quarters
from core.forms.base import apply_service_errors
from core.parsing import parse_uuid
from core.permissions import can
from core.views.base import PageMixin, TenantScopedViewMixin
from dashboards import results, scorecards
from dashboards.forms.scorecards import DEFINITION_ORDER, TEMPLATE_ORDER, MetricDefinitionForm, MetricTemplateForm
from dashboards.models import MetricTemplate, Scorecard, VersionStatus
from partnering.models import Relationship

TEMPLATE_DIR = "dashboards/scorecards"


class ScorecardPage(PageMixin, View):
    """The relationship named by ``<uuid:pk>`` (scoped lookup) and its scorecard."""

    model = Relationship
    required_action = "scorecards.view"

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("account", "supplier_champion__user", "customer_champion__user")

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"dashboards:{name}", kwargs={"tenant_slug": self.slug, **kwargs})

    @cached_property
    def relationship(self) -> Relationship:
        return self.get_object()  # type: ignore[no-any-return]

    @cached_property
    def scorecard(self) -> Scorecard | None:
        return scorecards.scorecard_for(membership=self.member, relationship=self.relationship)

    def rel_url(self, name: str, **kwargs: Any) -> str:
        return self.url(name, pk=self.relationship.pk, **kwargs)

    def base_context(self, **extra: Any) -> dict[str, Any]:
        relationship = self.relationship
        return {
            "relationship": relationship,
            "scorecard": self.scorecard,
            "is_internal": self.member.is_internal,
            "can_define": scorecards.can_define(self.member, relationship),
            "agree_side": scorecards.agree_side(self.member, relationship),
            "can_record": bool(results.result_fields_for(self.member)),
            "can_import": can(self.member, "results.import") and bool(results.result_fields_for(self.member)),
            "current_quarter": quarters.current(),
            "active_nav": "relationships",
            **extra,
        }


# --- The scorecard page -----------------------------------------------------------------------


class ScorecardView(ScorecardPage):
    """Metrics × the last eight quarters coloured by zone, charts, spotlight and discrepancies.

    POST creates the scorecard from the metric templates (our champion or an admin)."""

    def get(self, request: HttpRequest, **_kwargs: Any) -> HttpResponse:
        relationship = self.relationship
        ending = (request.GET.get("to") or "").strip().upper() or None
        if ending is not None:
            try:
                quarters.parse(ending)
            except ValidationError:
                ending = None
        grid = results.scorecard_grid(membership=self.member, relationship=relationship, ending=ending)
        context = self.base_context(
            grid=grid,
            latest=grid.latest_version,
            governing=grid.governing,
            status_label=scorecards.version_status_label(grid.latest_version),
            earlier=quarters.shift(grid.quarters[-1], -4),
            later=quarters.shift(grid.quarters[-1], 4) if grid.quarters[-1] < quarters.current() else None,
            template_count=len(scorecards.ensure_metric_templates()) if grid.scorecard is None else 0,
        )
        return render(request, f"{TEMPLATE_DIR}/page.html", context)

    def post(self, request: HttpRequest, **_kwargs: Any) -> HttpResponse:
        relationship = self.relationship
        try:
            scorecards.scorecard_create(actor=self.member, relationship=relationship)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.rel_url("scorecard"))
        messages.success(request, "Scorecard created from the metric templates. Tailor it, then both champions agree.")
        return redirect(self.rel_url("scorecard-definitions"))


# --- Definitions and agreement ----------------------------------------------------------------


class DefinitionsView(ScorecardPage):
    """The metric definitions of each version; our champion tailors the newest one here.

    ``?edit=<key>`` opens one metric's form, ``?add=1`` the form for a new metric, ``?version=N``
    shows an older version. Changing an agreed version starts version N+1 (needs agreement again)."""

    def context(self, **extra: Any) -> dict[str, Any]:
        scorecard = self.scorecard
        assert scorecard is not None
        versions = scorecards.versions_of(membership=self.member, scorecard=scorecard)
        metrics = scorecards.metrics_by_version(membership=self.member, scorecard=scorecard)
        latest = versions[0]
        shown = latest
        wanted = self.request.GET.get("version", "")
        if wanted.isdigit():
            shown = next((v for v in versions if v.number == int(wanted)), latest)
        return self.base_context(
            versions=versions,
            latest=latest,
            shown=shown,
            shown_rows=scorecards.definition_rows(metrics.get(shown.pk, [])),
            latest_is_agreed=latest.status == VersionStatus.AGREED,
            status_label=scorecards.version_status_label(latest),
            **extra,
        )

    def forms_for(self, data: Any = None) -> dict[str, Any]:
        if not scorecards.can_define(self.member, self.relationship):
            return {}
        latest = scorecards.latest_version(self.scorecard)  # type: ignore[arg-type]
        agreed = latest is not None and latest.status == VersionStatus.AGREED
        key = self.request.GET.get("edit") or (data.get("key") if data and data.get("op") == "update" else None)
        if key:
            metric = latest.metrics.filter(key=key).first() if latest else None
            if metric is None:
                raise Http404("No such metric.")
            initial = {name: getattr(metric, name) for name in DEFINITION_ORDER}
            form = MetricDefinitionForm(data, initial=initial, show_valid_from=agreed)
            return {"edit_form": form, "edit_metric": metric}
        if self.request.GET.get("add") or (data and data.get("op") == "add"):
            form = MetricDefinitionForm(
                data,
                adding=True,
                show_valid_from=agreed,
                initial={"category": "basic", "direction": "higher", "tolerance": 0, "figure_owner": "both"},
            )
            return {"add_form": form}
        return {}

    def get(self, request: HttpRequest, **_kwargs: Any) -> HttpResponse:
        if self.scorecard is None:
            return redirect(self.rel_url("scorecard"))
        return render(request, f"{TEMPLATE_DIR}/definitions.html", self.context(**self.forms_for()))

    def post(self, request: HttpRequest, **_kwargs: Any) -> HttpResponse:
        scorecard = self.scorecard
        if scorecard is None:
            return redirect(self.rel_url("scorecard"))
        if not scorecards.can_define(self.member, self.relationship):
            raise PermissionDenied("Only our champion of this relationship, or an admin, tailors its scorecard.")
        op = request.POST.get("op")
        if op == "remove":
            try:
                version = scorecards.metric_remove(
                    actor=self.member, scorecard=scorecard, key=request.POST.get("key", "")
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"Metric removed from version {version.number}; it needs agreement.")
            return redirect(self.rel_url("scorecard-definitions"))
        forms = self.forms_for(request.POST)
        form = forms.get("edit_form") or forms.get("add_form")
        if form is None:
            return redirect(self.rel_url("scorecard-definitions"))
        if form.is_valid():
            data = form.cleaned_data
            extra = {"valid_from": data.get("valid_from") or None, "change_note": data.get("change_note", "")}
            try:
                if "edit_form" in forms:
                    metric = scorecards.metric_update(
                        actor=self.member,
                        scorecard=scorecard,
                        key=forms["edit_metric"].key,
                        **extra,
                        **form.definition(),
                    )
                else:
                    metric = scorecards.metric_add(
                        actor=self.member, scorecard=scorecard, key=data["key"], **extra, **form.definition()
                    )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request, f"{metric.name} saved in version {metric.version.number}, which now needs agreement."
                )
                return redirect(self.rel_url("scorecard-definitions"))
        return render(request, f"{TEMPLATE_DIR}/definitions.html", self.context(**forms))


class AgreeView(ScorecardPage):
    """POST: the champion signs the newest version for their side (the service checks which
    champion; others get 403). GET goes to the definitions page."""

    def get(self, _request: HttpRequest, **_kwargs: Any) -> HttpResponse:
        self.relationship  # noqa: B018  (the scoped lookup: 404 for outsiders)
        return redirect(self.rel_url("scorecard-definitions"))

    def post(self, request: HttpRequest, **_kwargs: Any) -> HttpResponse:
        scorecard = self.scorecard
        if scorecard is None:
            return redirect(self.rel_url("scorecard"))
        self.require("scorecards.agree")
        try:
            version = scorecards.scorecard_agree(actor=self.member, scorecard=scorecard)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if version.status == VersionStatus.AGREED:
                messages.success(request, f"Version {version.number} is agreed by both champions.")
            else:
                messages.success(request, f"You agreed to version {version.number}; it waits for the other champion.")
        return redirect(self.rel_url("scorecard-definitions"))


# --- Metric templates (admins) ----------------------------------------------------------------


class MetricTemplatesView(TenantScopedViewMixin, View):
    """The tenant's default metrics that new scorecards copy; ``?edit=<id>`` or ``?add=1`` opens a form."""

    model = MetricTemplate
    required_action = "templates.manage"

    def forms_for(self, data: Any = None) -> dict[str, Any]:
        request = self.request
        template_id = request.GET.get("edit") or (data.get("id") if data else None)
        if template_id:
            template_pk = parse_uuid(template_id)
            if template_pk is None:
                raise Http404("No such template.")
            template = get_object_or_404(self.get_queryset(), pk=template_pk)
            initial = {name: getattr(template, name) for name in TEMPLATE_ORDER}
            return {"edit_form": MetricTemplateForm(data, initial=initial), "edit_template": template}
        if request.GET.get("add") or (data and data.get("op") == "add"):
            initial = {
                "active": True,
                "category": "basic",
                "direction": "higher",
                "tolerance": 0,
                "figure_owner": "both",
            }
            return {"add_form": MetricTemplateForm(data, adding=True, initial=initial)}
        return {}

    def page(self, **extra: Any) -> HttpResponse:
        templates = scorecards.ensure_metric_templates()
        return render(
            self.request,
            f"{TEMPLATE_DIR}/templates.html",
            {"templates": templates, "active_count": sum(t.active for t in templates), **extra},
        )

    def get(self, _request: HttpRequest, **_kwargs: Any) -> HttpResponse:
        return self.page(**self.forms_for())

    def post(self, request: HttpRequest, tenant_slug: str) -> HttpResponse:
        forms = self.forms_for(request.POST)
        form = forms.get("edit_form") or forms.get("add_form")
        if form is None:
            return redirect("dashboards:metric-templates", tenant_slug=tenant_slug)
        if form.is_valid():
            try:
                if "edit_form" in forms:
                    template = scorecards.metric_template_update(
                        actor=self.member,
                        template=forms["edit_template"],
                        **form.values(),
                    )
                else:
                    values = form.values()
                    template = scorecards.metric_template_create(
                        actor=self.member,
                        key=form.cleaned_data["key"],
                        name=values.pop("name"),
                        goal=values.pop("goal"),
                        **values,
                    )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"Template {template.name} saved. New scorecards start from it.")
                return redirect("dashboards:metric-templates", tenant_slug=tenant_slug)
        return self.page(**forms)


urlpatterns = [
    path("relationships/<uuid:pk>/scorecard/", ScorecardView.as_view(), name="scorecard"),
    path("relationships/<uuid:pk>/scorecard/definitions/", DefinitionsView.as_view(), name="scorecard-definitions"),
    path("relationships/<uuid:pk>/scorecard/agree/", AgreeView.as_view(), name="scorecard-agree"),
    path("scorecards/templates/", MetricTemplatesView.as_view(), name="metric-templates"),
]
