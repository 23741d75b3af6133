"""The program office's admin for the dashboards module: rows of the active workspace only.

Everything goes through ``core.admin_base.TenantScopedAdmin`` / ``core.admin_base.TenantScopedInline``
(scoped querysets and related choices, ``admin.access`` permission, tenant-aware validation).

What the program office configures is editable here: metric templates, rating dimensions and the
reminder settings. What the two champions own is read-only: scorecard versions and their metrics
are changed only through a new version both agree to, and ratings only by the champion who gives
them (hidden-until-both would mean nothing if the admin could rewrite a submitted rating). Results
may be corrected here.

Every write goes through the areas' services with the program-office member as the actor
(``acting_member``): templates through ``scorecards.metric_template_*``, dimensions through
``ratings.dimension_*``, a result correction through ``results.result_record`` (which bumps
``row_version``, so a stale page cannot overwrite it, and records who corrected it). The forms run
the same rules first (``RuledForm``), so a refused value is a form error, never a 500.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin_base import ReadOnlyAdmin, ReadOnlyInline, RuledForm, TenantScopedAdmin, acting_member
from dashboards import ratings, results, scorecards
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


def _changed(form: Any, allowed: tuple[str, ...]) -> dict[str, Any]:
    """The form's changed values among the fields the service lets the admin set."""
    return {name: form.cleaned_data[name] for name in form.changed_data if name in allowed}


@admin.register(MetricTemplate)
class MetricTemplateAdmin(TenantScopedAdmin):
    """The default metric set: edited through ``scorecards.metric_template_*`` (the key is fixed once set)."""

    list_display = ("name", "key", "category", "unit", "direction", "goal", "yellow_band_pct", "figure_owner", "active")
    list_filter = ("category", "direction", "figure_owner", "active")
    search_fields = ("name", "key", "data_source")
    ordering = ("position", "name")

    def get_readonly_fields(self, _request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("key",) if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: MetricTemplate, form: Any, change: bool) -> None:
        actor = acting_member(request)
        if change:
            original = MetricTemplate.objects.get(pk=obj.pk)
            saved = scorecards.metric_template_update(
                actor=actor, template=original, **_changed(form, scorecards.TEMPLATE_FIELDS)
            )
        else:
            values = {name: form.cleaned_data[name] for name in scorecards.TEMPLATE_FIELDS if name in form.cleaned_data}
            saved = scorecards.metric_template_create(
                actor=actor, key=obj.key, name=values.pop("name"), goal=values.pop("goal"), **values
            )
        obj.pk = saved.pk


@admin.register(RatingDimension)
class RatingDimensionAdmin(TenantScopedAdmin):
    """What champions rate: edited through ``ratings.dimension_*``."""

    list_display = ("name", "position", "active")
    list_filter = ("active",)
    search_fields = ("name", "description")
    ordering = ("position", "name")

    def save_model(self, request: HttpRequest, obj: RatingDimension, form: Any, change: bool) -> None:
        actor = acting_member(request)
        if change:
            original = RatingDimension.objects.get(pk=obj.pk)
            ratings.dimension_update(actor=actor, dimension=original, **_changed(form, ratings.DIMENSION_FIELDS))
        else:
            values = {name: form.cleaned_data[name] for name in ratings.DIMENSION_FIELDS if name in form.cleaned_data}
            obj.pk = ratings.dimension_create(actor=actor, **values).pk


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


class ResultCorrectionForm(RuledForm):
    """A correction of a result's figures, checked by the same rule as every recorded result."""

    rules = results.result_rules


@admin.register(QuarterlyResult)
class QuarterlyResultAdmin(TenantScopedAdmin):
    """Corrections of recorded results, through ``results.result_record`` (new rows come from the pages)."""

    form = ResultCorrectionForm
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
    #: Which result it is stays as recorded: only its figures and note are corrected here.
    readonly_fields = ("scorecard", "metric_key", "quarter", "row_version", "updated_by", "updated_at")

    def has_add_permission(self, _request: HttpRequest) -> bool:
        return False  # results are entered on the scorecard (or imported) where the metric is known

    def save_model(self, request: HttpRequest, obj: QuarterlyResult, form: Any, _change: bool) -> None:
        """A correction counts as a new version of the row: open pages holding the old one get a conflict."""
        saved = results.result_record(
            actor=acting_member(request),
            scorecard=obj.scorecard,
            metric_key=obj.metric_key,
            quarter=obj.quarter,
            **_changed(form, results.RESULT_FIELDS),
        )
        obj.row_version, obj.updated_by = saved.row_version, saved.updated_by


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
