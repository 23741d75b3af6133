"""Page: the printable quarterly review pack of one relationship.

One page that both firms take into the quarterly review: the scorecard grid ending with the quarter
(zones as text and symbols, not only colour), the spotlight of metrics out of the Green Zone, open
calculation discrepancies, both champions' ratings side by side, and the relationship's open actions
and short list. A print stylesheet (``static/css/pack.css``) lays it out on A4, a section per page.

Reads go through the scorecard and rating selectors, so the pack shows exactly what the member may
see: while a quarter is open and not both champions have submitted, it says so instead of showing
either rating. The pack is meant to be shared with the customer, so internal-only actions and
internal notes are never on it, whoever prints it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path
from django.views import View

from core import quarters
from core.models import Membership
from core.views.base import TenantScopedViewMixin
from dashboards import rating_selectors as rating_reads
from dashboards import selectors as scorecard_reads
from partnering.models import OPEN_ACTION_STATUSES, FutureTopic, Relationship, TopicStatus
from partnering.work import actions_for

PACK_QUARTERS = 8
MAX_ACTIONS = 50


class ReviewPackView(TenantScopedViewMixin, View):
    """``relationships/<pk>/review-pack/<quarter>/``: everything for the quarterly review, printable."""

    model = Relationship
    required_action = "scorecards.view"
    kwargs: dict[str, Any]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("account", "supplier_champion__user", "customer_champion__user")

    def get(self, request: HttpRequest, tenant_slug: str, pk: Any, quarter: str) -> HttpResponse:
        relationship = get_object_or_404(self.get_queryset(), pk=pk)
        quarter = quarter.upper()
        try:
            quarters.parse(quarter)
        except ValidationError:
            raise Http404("Not a quarter.") from None
        member: Membership = request.membership  # type: ignore[attr-defined]
        context = {
            "relationship": relationship,
            "quarter": quarter,
            "active_nav": "relationships",
            **pack_content(member, relationship, quarter),
        }
        return render(request, "dashboards/pack/review_pack.html", context)


def pack_content(member: Membership, relationship: Relationship, quarter: str) -> dict[str, Any]:
    """The pack's sections as ``member`` may see them."""
    grid = scorecard_reads.scorecard_grid(
        membership=member, relationship=relationship, quarters=PACK_QUARTERS, ending=quarter
    )
    comparison = rating_reads.compare(member, relationship, quarter)
    both_in = comparison.supplier.submitted and comparison.customer.submitted
    open_actions = list(
        actions_for(membership=member)
        .filter(relationship=relationship, status__in=OPEN_ACTION_STATUSES, internal_only=False)
        .order_by("due_on", "title")[:MAX_ACTIONS]
    )
    short_list = list(
        FutureTopic.objects.visible_to(member)  # type: ignore[attr-defined]
        .filter(relationship=relationship, status=TopicStatus.ACTIVE)
        .order_by("priority", "title")
    )
    return {
        "grid": grid,
        "quarter_has_results": grid.reporting_quarter == quarter,
        "comparison": comparison,
        "ratings_shown": comparison.closed or both_in,
        "quarter_closed": quarters.is_closed(quarter),
        "quarter_ends": quarters.end_date(quarter),
        "open_actions": open_actions,
        "short_list": short_list,
        "previous_quarter": quarters.shift(quarter, -1),
        "next_quarter": quarters.shift(quarter, 1) if quarter < quarters.current() else None,
    }


urlpatterns: list[URLPattern] = [
    path("relationships/<uuid:pk>/review-pack/<str:quarter>/", ReviewPackView.as_view(), name="review-pack"),
]
