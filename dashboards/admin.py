"""The program office's admin for the dashboards module: rows of the active workspace only.

Everything goes through ``core.admin_base.TenantScopedAdmin`` / ``core.admin_base.TenantScopedInline``
(scoped querysets and related choices, ``admin.access`` permission, tenant-aware validation).

What the program office configures is editable here: metric templates, rating dimensions and the
reminder settings. What the two champions own is read-only: scorecard versions and their metrics
are changed only through a new version both agree to, and ratings only by the champion who gives
them (hidden-until-both would mean nothing if the admin could rewrite a submitted rating). Results
may be corrected here; a correction bumps ``row_version`` so a stale page cannot overwrite it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import F
from django.http import HttpRequest

from core.admin_base import ReadOnlyAdmin, ReadOnlyInline, TenantScopedAdmin
from dashboards.models import (
    ChampionRating,
    DashboardsSettings,
    Metric,
    MetricTemplate,
    QuarterlyResult,
    RatingDimension,
    RatingScore,
    Scorecard,
    ScorecardVersion,
)

# --- Configuration ------------------------------------------------------------------------------


@admin.register(MetricTemplate)
class MetricTemplateAdmin(TenantScopedAdmin):
    list_display = ("name", "key", "category", "unit", "direction", "goal", "yellow_band_pct", "figure_owner", "active")
    list_filter = ("category", "direction", "figure_owner", "active")
    search_fields = ("name", "key", "data_source")
    ordering = ("position", "name")


@admin.register(RatingDimension)
class RatingDimensionAdmin(TenantScopedAdmin):
    list_display = ("name", "position", "active")
    list_filter = ("active",)
    search_fields = ("name", "description")
    ordering = ("position", "name")


@admin.register(DashboardsSettings)
class DashboardsSettingsAdmin(TenantScopedAdmin):
    list_display = ("__str__", "rating_reminder_days", "results_reminder_days")

    def has_add_permission(self, request: HttpRequest) -> bool:
        """One row per workspace: once it exists it is edited, not added again (no constraint error)."""
        return super().has_add_permission(request) and not DashboardsSettings.objects.exists()


# --- Scorecards ---------------------------------------------------------------------------------


class VersionInline(ReadOnlyInline):
    model = ScorecardVersion
    fields = ("number", "status", "valid_from", "supplier_agreed_by", "customer_agreed_by", "change_note")
    readonly_fields = fields
    show_change_link = True


class MetricInline(ReadOnlyInline):
    model = Metric
    fields = ("position", "key", "name", "category", "unit", "direction", "goal", "yellow_band_pct", "figure_owner")
    readonly_fields = fields


@admin.register(Scorecard)
class ScorecardAdmin(ReadOnlyAdmin):
    list_display = ("relationship", "created_at")
    search_fields = ("relationship__account__name", "relationship__business_unit")
    list_select_related = ("relationship__account",)
    inlines = (VersionInline,)


@admin.register(ScorecardVersion)
class ScorecardVersionAdmin(ReadOnlyAdmin):
    list_display = ("scorecard", "number", "status", "valid_from", "supplier_agreed_at", "customer_agreed_at")
    list_filter = ("status",)
    search_fields = ("scorecard__relationship__account__name", "change_note")
    list_select_related = ("scorecard__relationship__account",)
    inlines = (MetricInline,)


@admin.register(Metric)
class MetricAdmin(ReadOnlyAdmin):
    list_display = ("name", "key", "version", "goal", "direction", "figure_owner")
    list_filter = ("category", "direction", "figure_owner")
    search_fields = ("name", "key", "version__scorecard__relationship__account__name")
    list_select_related = ("version__scorecard__relationship__account",)


@admin.register(QuarterlyResult)
class QuarterlyResultAdmin(TenantScopedAdmin):
    list_display = (
        "scorecard",
        "metric_key",
        "quarter",
        "supplier_value",
        "customer_value",
        "agreed_value",
        "row_version",
        "updated_at",
    )
    list_filter = ("quarter",)
    search_fields = ("metric_key", "scorecard__relationship__account__name", "note")
    list_select_related = ("scorecard__relationship__account",)
    readonly_fields = ("row_version", "updated_by", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # results are entered on the scorecard (or imported) where the metric is known

    def save_model(self, request: HttpRequest, obj: QuarterlyResult, form: Any, change: bool) -> None:
        """A correction counts as a new version of the row: open pages holding the old one get a conflict."""
        obj.updated_by = getattr(request, "membership", None)
        obj.row_version = F("row_version") + 1  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
        obj.refresh_from_db(fields=["row_version"])


# --- Ratings ------------------------------------------------------------------------------------


class ScoreInline(ReadOnlyInline):
    model = RatingScore
    fields = ("dimension", "color", "comment")
    readonly_fields = fields


@admin.register(ChampionRating)
class ChampionRatingAdmin(ReadOnlyAdmin):
    list_display = ("relationship", "quarter", "side", "champion", "overall", "status", "submitted_at")
    list_filter = ("quarter", "side", "status", "overall")
    search_fields = ("relationship__account__name", "avoid_stall")
    list_select_related = ("relationship__account", "champion__user")
    inlines = (ScoreInline,)


@admin.register(RatingScore)
class RatingScoreAdmin(ReadOnlyAdmin):
    list_display = ("relationship", "quarter", "side", "dimension", "color")
    list_filter = ("color", "dimension")
    search_fields = ("rating__relationship__account__name", "comment")
    list_select_related = ("rating__relationship__account", "dimension")

    @admin.display(description="Relationship", ordering="rating__relationship__account__name")
    def relationship(self, obj: RatingScore) -> str:
        return str(obj.rating.relationship)

    @admin.display(description="Quarter", ordering="rating__quarter")
    def quarter(self, obj: RatingScore) -> str:
        return obj.rating.quarter

    @admin.display(description="Side")
    def side(self, obj: RatingScore) -> str:
        return obj.rating.get_side_display()
