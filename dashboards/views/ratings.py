"""Pages: champion ratings of a relationship — overview with heat strip, side by side, the champion's form.

The relationship is looked up through the member's scoped queryset first (404 for other tenants and
other customer accounts); only then is the right to rate checked (403), so a page never reveals that a
relationship exists. What each member sees of a rating follows ``dashboards.ratings`` (``can_see``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.views import View

from core import quarters
from core.views.base import TenantScopedViewMixin
from dashboards import ratings
from dashboards.forms.ratings import RatingForm
from dashboards.models import ChampionRating, RatingStatus
from partnering.models import Relationship

HEAT_STRIP_QUARTERS = 8


class RelationshipPage(TenantScopedViewMixin, View):
    model = Relationship
    required_action = "ratings.view"
    kwargs: dict[str, Any]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("account", "supplier_champion__user", "customer_champion__user")

    def get_relationship(self) -> Relationship:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])  # type: ignore[no-any-return]

    def get_quarter(self) -> str:
        quarter = str(self.kwargs["quarter"]).upper()
        try:
            quarters.parse(quarter)
        except ValidationError:
            raise Http404("Not a quarter.") from None
        return quarter

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"dashboards:{name}", kwargs={"tenant_slug": self.slug, **kwargs})

    def base_context(self, relationship: Relationship) -> dict[str, Any]:
        return {
            "relationship": relationship,
            "active_nav": "relationships",
            "my_side": ratings.side_for(self.member, relationship),
        }


class RatingsOverviewView(RelationshipPage):
    """Heat strip of the last eight quarters (both sides) and where the current quarter stands."""

    def get(self, request: HttpRequest, **_kwargs: Any) -> HttpResponse:
        relationship = self.get_relationship()
        strip = ratings.heat_strip(self.member, relationship, HEAT_STRIP_QUARTERS)
        context = self.base_context(relationship)
        context.update(
            {
                "strip": strip,
                "status": ratings.current_status(strip),
                "history": list(reversed(strip)),
            }
        )
        return render(request, "dashboards/ratings/overview.html", context)


class RatingCompareView(RelationshipPage):
    """Both champions' ratings of one quarter side by side, once both are in (or the quarter closed)."""

    def get(self, request: HttpRequest, quarter: str, **_kwargs: Any) -> HttpResponse:
        relationship = self.get_relationship()
        quarter = self.get_quarter()
        comparison = ratings.compare(self.member, relationship, quarter)
        context = self.base_context(relationship)
        context.update(
            {
                "comparison": comparison,
                "quarter": quarter,
                "closes_on": quarters.end_date(quarter),
                "future": quarters.parse(quarter) > quarters.parse(quarters.current()),
            }
        )
        return render(request, "dashboards/ratings/compare.html", context)


class RatingEditView(RelationshipPage):
    """The champion's own rating of one quarter: save a draft, or submit (then it is locked)."""

    def setup_page(self) -> tuple[Relationship, str, str]:
        relationship = self.get_relationship()
        quarter = self.get_quarter()
        side = ratings.side_for(self.member, relationship)
        if side is None:
            raise PermissionDenied(
                "Only the two champions of this relationship (and admins, for our side) may rate it."
            )
        return relationship, quarter, side

    def existing(self, relationship: Relationship, quarter: str, side: str) -> ChampionRating | None:
        return ratings.own_rating(relationship=relationship, quarter=quarter, side=side)

    def get(self, _request: HttpRequest, quarter: str, **_kwargs: Any) -> HttpResponse:
        relationship, quarter, side = self.setup_page()
        rating = self.existing(relationship, quarter, side)
        form = RatingForm(dimensions=self.dimensions(), rating=rating)
        return self.page(relationship, quarter, side, rating, form)

    def post(self, request: HttpRequest, quarter: str, **_kwargs: Any) -> HttpResponse:
        relationship, quarter, side = self.setup_page()
        form = RatingForm(request.POST, dimensions=self.dimensions())
        submit = request.POST.get("action") == "submit"
        if form.is_valid():
            data = form.cleaned_data
            if submit and not data["confirm_submit"]:
                form.add_error("confirm_submit", "Tick this box to confirm: a submitted rating cannot be changed.")
            else:
                try:
                    ratings.rating_save(
                        actor=self.member,
                        relationship=relationship,
                        quarter=quarter,
                        side=side,
                        scores=form.scores(),
                        overall=data["overall"] or None,
                        avoid_stall=data["avoid_stall"],
                        submit=submit,
                        expected_row_version=data["row_version"],
                    )
                except ValidationError as error:
                    form.apply_service_error(error)
                else:
                    if submit:
                        messages.success(request, f"Your rating of {quarter} is submitted.")
                        return redirect(self.url("rating-compare", pk=relationship.pk, quarter=quarter))
                    messages.success(request, "Draft saved. Only you can see it until you submit.")
                    return redirect(self.url("rating-edit", pk=relationship.pk, quarter=quarter))
        rating = self.existing(relationship, quarter, side)
        return self.page(relationship, quarter, side, rating, form)

    def dimensions(self) -> list[Any]:
        return [d for d in ratings.ensure_rating_dimensions() if d.active]

    def page(
        self, relationship: Relationship, quarter: str, side: str, rating: ChampionRating | None, form: RatingForm
    ) -> HttpResponse:
        context = self.base_context(relationship)
        locked = rating is not None and rating.status == RatingStatus.SUBMITTED
        context.update(
            {
                "form": form,
                "quarter": quarter,
                "side": side,
                "side_label": ratings.SIDE_LABELS[side],
                "rating": rating,
                "locked": locked,
                "future": quarters.parse(quarter) > quarters.parse(quarters.current()),
                "conflict": any(getattr(e, "code", "") == "conflict" for e in form.non_field_errors().as_data()),
            }
        )
        if locked:
            context["comparison"] = ratings.compare(self.member, relationship, quarter)
        return render(self.request, "dashboards/ratings/form.html", context)


urlpatterns: list[URLPattern] = [
    path("relationships/<uuid:pk>/ratings/", RatingsOverviewView.as_view(), name="ratings"),
    path("relationships/<uuid:pk>/ratings/<str:quarter>/", RatingCompareView.as_view(), name="rating-compare"),
    path("relationships/<uuid:pk>/ratings/<str:quarter>/mine/", RatingEditView.as_view(), name="rating-edit"),
]
