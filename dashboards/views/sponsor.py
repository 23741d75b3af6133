"""Pages: the sponsor dashboard and the one-relationship drill-down (see dashboards/urls.py).

* ``sponsor`` — for admins and executives every relationship of the tenant (the ones the member
  sponsors flagged "yours" and listed first). A customer participant who sponsors relationships of
  their account sees only those (one → straight to its drill-down); any other customer, and roles
  without ``sponsor.view``, get 403.
* ``relationship-dashboard`` — one relationship: level history, latest ratings of both sides (only
  once visible), scorecard summary of the latest quarter, open discrepancies. Our own people may
  open it for any relationship; a customer participant only for a relationship they sponsor. The
  relationship is looked up in the member's scope first (404 outside it), then the sponsor check
  answers 403, so the page never reveals that a relationship exists.

Reads are in ``dashboards.sponsor`` (fixed query count).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.generic import TemplateView

from core.permissions import can
from core.views.base import TenantScopedViewMixin
from dashboards import sponsor
from partnering.models import Relationship

#: Rows of the "all relationships" table shown by default (``?all=1`` shows every one): the counts,
#: charts and attention lists above always cover all relationships.
TABLE_LIMIT = 50
NOT_A_SPONSOR = "The sponsor dashboard shows the relationships you sponsor; you do not sponsor one."


class SponsorDashboardView(TenantScopedViewMixin, TemplateView):
    """The executive overview across relationships (see the module docstring for who sees what)."""

    model = Relationship
    required_action = "sponsor.view"
    template_name = "dashboards/sponsor/dashboard.html"

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return sponsor.sponsor_relationships(membership=self.member, queryset=queryset)

    @cached_property
    def relationships(self) -> list[Relationship]:
        return list(self.get_queryset())

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.member.is_customer:
            if not self.relationships:
                raise PermissionDenied(NOT_A_SPONSOR)
            if len(self.relationships) == 1:
                return redirect(drilldown_url(self.kwargs["tenant_slug"], self.relationships[0].pk))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        base = reverse("dashboards:sponsor", kwargs={"tenant_slug": self.kwargs["tenant_slug"]})
        prefix = base.removesuffix("dashboards/sponsor/") + "relationships/"
        overview = sponsor.sponsor_overview(
            membership=self.member,
            relationships=self.relationships,
            url_for=lambda rel: f"{prefix}{rel.pk}/dashboard/",
        )
        context.update(overview)
        show_all = self.request.GET.get("all") == "1"
        context.update(
            table_rows=overview["rows"] if show_all else overview["rows"][:TABLE_LIMIT],
            show_all=show_all,
            level_chart={
                "labels": [level["label"] for level in overview["levels"]],
                "counts": [level["count"] for level in overview["levels"]],
            },
            is_internal=self.member.is_internal,
            active_nav="sponsor",
        )
        return context


def drilldown_url(tenant_slug: str, pk: Any) -> str:
    return reverse("dashboards:relationship-dashboard", kwargs={"tenant_slug": tenant_slug, "pk": pk})


class RelationshipDashboardView(TenantScopedViewMixin, TemplateView):
    """The drill-down of one relationship (see the module docstring)."""

    model = Relationship
    required_action = "relationships.view"
    template_name = "dashboards/sponsor/relationship.html"

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("account", "supplier_champion__user", "customer_champion__user")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        relationship = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if self.member.is_customer and not sponsor.is_sponsor(membership=self.member, relationship=relationship):
            raise PermissionDenied("Only the relationship's sponsors see its dashboard.")
        self.relationship = relationship
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(sponsor.relationship_dashboard(membership=self.member, relationship=self.relationship))
        context.update(
            is_internal=self.member.is_internal,
            can_open_overview=can(self.member, "sponsor.view") and self.member.is_internal,
            active_nav="sponsor" if can(self.member, "sponsor.view") else "relationships",
        )
        return context


urlpatterns = [
    path("dashboards/sponsor/", SponsorDashboardView.as_view(), name="sponsor"),
    path("relationships/<uuid:pk>/dashboard/", RelationshipDashboardView.as_view(), name="relationship-dashboard"),
]
