"""Serializers of the scorecard API (metric templates, scorecards, versions, metrics, results).

They validate shape and types only (a figure must be a number, a quarter must look like 2026Q3,
ids are looked up among the rows the caller may see); the rules — who may set which figure, which
metric keys a quarter has, new versions after agreement — are the services' (``dashboards.services``),
whose ``ValidationError`` becomes a 400 and ``PermissionDenied`` a 403.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from core import quarters
from core.api.fields import ScopedPrimaryKeyRelatedField
from dashboards.models import (
    Category,
    Direction,
    FigureOwner,
    Metric,
    MetricTemplate,
    QuarterlyResult,
    Scorecard,
    ScorecardVersion,
)
from partnering.models import Relationship

DEFINITION_FIELDS = [
    "name",
    "category",
    "unit",
    "direction",
    "goal",
    "yellow_band_pct",
    "tolerance",
    "basis_of_calculation",
    "data_source",
    "figure_owner",
    "position",
]


def figure(**kwargs: Any) -> serializers.DecimalField:
    """A figure of a result: a number (text is a 400), ``null`` clears it."""
    return serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True, required=False, **kwargs)


class QuarterField(serializers.CharField):
    """A quarter written ``YYYYQn``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 6)
        kwargs.setdefault("help_text", "A quarter, e.g. 2026Q3.")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        try:
            quarters.parse(value)
        except Exception as error:  # django ValidationError → DRF's
            raise serializers.ValidationError(getattr(error, "messages", [str(error)])) from None
        return value


class DefinitionSerializer(serializers.Serializer):
    """The definition fields shared by templates and scorecard metrics (all optional on update)."""

    name = serializers.CharField(max_length=120, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    unit = serializers.CharField(max_length=30, required=False, allow_blank=True)
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)
    goal = serializers.DecimalField(max_digits=14, decimal_places=4, required=False)
    yellow_band_pct = serializers.DecimalField(
        max_digits=6, decimal_places=2, required=False, allow_null=True, min_value=0, max_value=100
    )
    tolerance = serializers.DecimalField(max_digits=14, decimal_places=4, required=False, min_value=0)
    basis_of_calculation = serializers.CharField(required=False, allow_blank=True)
    data_source = serializers.CharField(max_length=200, required=False, allow_blank=True)
    figure_owner = serializers.ChoiceField(choices=FigureOwner.choices, required=False)
    position = serializers.IntegerField(min_value=0, max_value=32767, required=False)


class MetricTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = MetricTemplate
        fields = ["id", "key", *DEFINITION_FIELDS, "active"]
        read_only_fields = ["id"]
        validators: list[Any] = []  # (tenant, key) uniqueness: the service checks it


class MetricTemplateCreateSerializer(DefinitionSerializer):
    key = serializers.SlugField(max_length=60)
    name = serializers.CharField(max_length=120)
    goal = serializers.DecimalField(max_digits=14, decimal_places=4)
    active = serializers.BooleanField(required=False)


class MetricTemplateUpdateSerializer(DefinitionSerializer):
    active = serializers.BooleanField(required=False)


class MetricSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = Metric
        fields = ["id", "key", "version", *DEFINITION_FIELDS]
        read_only_fields = fields


class VersionChangeSerializer(serializers.Serializer):
    valid_from = QuarterField(required=False, help_text="First quarter a new version governs (default: current).")
    change_note = serializers.CharField(required=False, allow_blank=True)


class MetricAddSerializer(DefinitionSerializer, VersionChangeSerializer):
    key = serializers.SlugField(max_length=60)
    name = serializers.CharField(max_length=120)
    goal = serializers.DecimalField(max_digits=14, decimal_places=4)


class MetricUpdateSerializer(DefinitionSerializer, VersionChangeSerializer):
    pass


class VersionSerializer(serializers.ModelSerializer):
    supplier_agreed_by_name = serializers.CharField(
        source="supplier_agreed_by.user.display_name", read_only=True, allow_null=True
    )
    customer_agreed_by_name = serializers.CharField(
        source="customer_agreed_by.user.display_name", read_only=True, allow_null=True
    )

    class Meta:
        model = ScorecardVersion
        fields = [
            "id",
            "number",
            "status",
            "valid_from",
            "supplier_agreed_at",
            "supplier_agreed_by_name",
            "customer_agreed_at",
            "customer_agreed_by_name",
            "change_note",
            "created_at",
        ]
        read_only_fields = fields


class ScorecardSerializer(serializers.ModelSerializer):
    relationship = ScopedPrimaryKeyRelatedField(queryset=Relationship.objects.all())
    relationship_name = serializers.CharField(source="relationship.__str__", read_only=True)

    class Meta:
        model = Scorecard
        fields = ["id", "relationship", "relationship_name", "created_at"]
        read_only_fields = ["id", "relationship_name", "created_at"]


class ScorecardCreateSerializer(serializers.Serializer):
    relationship = ScopedPrimaryKeyRelatedField(queryset=Relationship.objects.all())
    valid_from = QuarterField(required=False, help_text="First quarter version 1 governs (default: current).")
    change_note = serializers.CharField(required=False, allow_blank=True)


class ResultSerializer(serializers.ModelSerializer):
    """A result with its evaluation (``zone``, ``discrepancy``, ``value``) under the governing definition."""

    zone = serializers.SerializerMethodField()
    discrepancy = serializers.SerializerMethodField()
    value = serializers.SerializerMethodField(method_name="get_effective_value")

    class Meta:
        model = QuarterlyResult
        fields = [
            "id",
            "scorecard",
            "metric_key",
            "quarter",
            "supplier_value",
            "customer_value",
            "agreed_value",
            "note",
            "row_version",
            "updated_at",
            "zone",
            "discrepancy",
            "value",
        ]
        read_only_fields = fields

    def _evaluation(self, obj: QuarterlyResult) -> Any:
        evaluate = self.context.get("evaluate")
        return evaluate(obj) if evaluate else None

    def get_zone(self, obj: QuarterlyResult) -> str | None:
        evaluation = self._evaluation(obj)
        return evaluation.zone if evaluation else None

    def get_discrepancy(self, obj: QuarterlyResult) -> bool:
        evaluation = self._evaluation(obj)
        return bool(evaluation and evaluation.discrepancy)

    def get_effective_value(self, obj: QuarterlyResult) -> str | None:
        evaluation = self._evaluation(obj)
        return None if evaluation is None or evaluation.value is None else f"{evaluation.value:f}"


class ResultValuesSerializer(serializers.Serializer):
    """Figures to record; a field left out stays unchanged. Customers may send only ``customer_value``."""

    supplier_value = figure()
    customer_value = figure()
    agreed_value = figure()
    note = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class ResultCreateSerializer(ResultValuesSerializer):
    scorecard = ScopedPrimaryKeyRelatedField(queryset=Scorecard.objects.all())
    metric_key = serializers.SlugField(max_length=60)
    quarter = QuarterField()


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV UTF-8: quarter, metric_key, supplier_value, customer_value, agreed_value."
    )


class ImportRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField()
    message = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    imported = serializers.IntegerField()


class ImportFormatSerializer(serializers.Serializer):
    columns = serializers.ListField(child=serializers.CharField())
    max_bytes = serializers.IntegerField()
    max_rows = serializers.IntegerField()
    customer_columns = serializers.ListField(child=serializers.CharField())
