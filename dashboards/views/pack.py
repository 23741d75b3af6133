"""Page: the printable quarterly review pack of one relationship (reads in ``dashboards.pack``).

A print stylesheet (``static/css/pack.css``) lays it out on A4, a section per page.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path
from django.views import View

from core import quarters
from core.http import TenantRequest
from core.views.base import TenantScopedViewMixin
from dashboards.pack import pack_content
from partnering.models import Relationship


class ReviewPackView(TenantScopedViewMixin, View):
    """``relationships/<pk>/review-pack/<quarter>/``: everything for the quarterly review, printable."""

    model = Relationship
    required_action = "scorecards.view"
    kwargs: dict[str, Any]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("account", "supplier_champion__user", "customer_champion__user")

    def get(self, request: TenantRequest, pk: Any, quarter: str, **_kwargs: Any) -> HttpResponse:
        relationship = get_object_or_404(self.get_queryset(), pk=pk)
        quarter = quarter.upper()
        try:
            quarters.parse(quarter)
        except ValidationError:
            raise Http404("Not a quarter.") from None
        context = {
            "relationship": relationship,
            "quarter": quarter,
            "active_nav": "relationships",
            **pack_content(self.member, relationship, quarter),
        }
        return render(request, "dashboards/pack/review_pack.html", context)


urlpatterns: list[URLPattern] = [
    path("relationships/<uuid:pk>/review-pack/<str:quarter>/", ReviewPackView.as_view(), name="review-pack"),
]
