"""Serializers of the champion ratings API. Reads never decide visibility: the views pass only what
``dashboards.rating_selectors`` allows; writes hand validated data to ``dashboards.rating_services``."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from core.api.fields import EnumChoiceField
from dashboards.models import ChampionRating, Color, RatingDimension, RatingStatus
from partnering.models import Side

COLOR_HELP = "1 Bright Red · 2 Light Red · 3 Yellow · 4 Light Green · 5 Bright Green"


def color_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=5, help_text=COLOR_HELP, **kwargs)


class RatingDimensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = RatingDimension
        fields = ["id", "name", "description", "position", "active"]
        read_only_fields = ["id"]
        validators: list[Any] = []  # the (tenant, name) uniqueness is checked by the service's full_clean


class ScoreSerializer(serializers.Serializer):
    dimension = serializers.UUIDField(help_text="A rating dimension id of this workspace.")
    dimension_name = serializers.CharField(read_only=True)
    color = color_field()
    color_label = serializers.CharField(read_only=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RatingSerializer(serializers.Serializer):
    """A rating whose content the caller may see."""

    id = serializers.UUIDField(read_only=True, allow_null=True)
    relationship = serializers.UUIDField(read_only=True)
    quarter = serializers.CharField(read_only=True)
    side = EnumChoiceField(choices=Side.choices, read_only=True)
    status = serializers.ChoiceField(choices=RatingStatus.choices, read_only=True)
    champion = serializers.UUIDField(read_only=True, allow_null=True, help_text="Membership id of the author.")
    champion_name = serializers.CharField(read_only=True, allow_null=True)
    overall = color_field(read_only=True, allow_null=True)
    overall_label = serializers.CharField(read_only=True, allow_blank=True)
    avoid_stall = serializers.CharField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    row_version = serializers.IntegerField(read_only=True, help_text="Also sent as the ETag; 0 before the first save.")
    scores = ScoreSerializer(many=True, read_only=True)


class RatingWriteSerializer(serializers.Serializer):
    """The caller's whole rating: dimensions not listed lose their score."""

    scores = ScoreSerializer(many=True)
    overall = color_field(required=False, allow_null=True, default=None)
    avoid_stall = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_scores(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen = set()
        for row in value:
            if row["dimension"] in seen:
                raise serializers.ValidationError(f"Dimension {row['dimension']} is listed twice.")
            seen.add(row["dimension"])
        return value


def rating_data(rating: ChampionRating, *, dimensions: dict[Any, RatingDimension]) -> dict[str, Any]:
    """A visible rating as plain data (scores prefetched)."""
    champion = rating.champion if rating.champion_id else None
    return {
        "id": rating.pk,
        "relationship": rating.relationship_id,
        "quarter": rating.quarter,
        "side": rating.side,
        "status": rating.status,
        "champion": rating.champion_id,
        "champion_name": champion.user.display_name if champion is not None else None,
        "overall": rating.overall,
        "overall_label": Color(rating.overall).label if rating.overall else "",
        "avoid_stall": rating.avoid_stall,
        "submitted_at": rating.submitted_at,
        "row_version": rating.row_version,
        "scores": [
            {
                "dimension": s.dimension_id,
                "dimension_name": dimensions[s.dimension_id].name if s.dimension_id in dimensions else "",
                "color": s.color,
                "color_label": Color(s.color).label,
                "comment": s.comment,
            }
            for s in sorted(
                rating.scores.all(),
                key=lambda s: (
                    (dimensions[s.dimension_id].position, dimensions[s.dimension_id].name)
                    if s.dimension_id in dimensions
                    else (0, "")
                ),
            )
        ],
    }


class SideStatusSerializer(serializers.Serializer):
    side = serializers.CharField()
    status = serializers.ChoiceField(
        choices=[("missing", "Not submitted"), ("draft", "Draft"), ("submitted", "Submitted")],
        help_text="Another side's draft is reported as missing.",
    )
    visible = serializers.BooleanField(help_text="Whether its content is shown to you.")
    mine = serializers.BooleanField()
    overall = color_field(allow_null=True)
    avoid_stall = serializers.CharField()


class CompareCellSerializer(serializers.Serializer):
    color = color_field(allow_null=True)
    comment = serializers.CharField()


class CompareRowSerializer(serializers.Serializer):
    dimension = serializers.UUIDField()
    dimension_name = serializers.CharField()
    supplier = CompareCellSerializer(allow_null=True, help_text="Null when hidden from you or not rated.")
    customer = CompareCellSerializer(allow_null=True, help_text="Null when hidden from you or not rated.")
    steps = serializers.IntegerField(allow_null=True, help_text="Colour steps apart; null unless both are visible.")
    agreement = serializers.BooleanField(allow_null=True)
    divergent = serializers.BooleanField(allow_null=True, help_text="Two or more steps apart: discuss.")


class CompareSerializer(serializers.Serializer):
    relationship = serializers.UUIDField()
    quarter = serializers.CharField()
    closed = serializers.BooleanField()
    revealed = serializers.BooleanField(help_text="Both sides' content is visible to you.")
    supplier = SideStatusSerializer()
    customer = SideStatusSerializer()
    overall_steps = serializers.IntegerField(allow_null=True)
    overall_agreement = serializers.BooleanField(allow_null=True)
    overall_divergent = serializers.BooleanField(allow_null=True)
    rows = CompareRowSerializer(many=True)


def compare_data(comparison: Any) -> dict[str, Any]:
    def side(view: Any) -> dict[str, Any]:
        return {
            "side": view.side,
            "status": view.status,
            "visible": view.visible,
            "mine": view.mine,
            "overall": view.overall,
            "avoid_stall": view.avoid_stall,
        }

    def cell(value: Any) -> dict[str, Any] | None:
        return {"color": value.color, "comment": value.comment} if value is not None else None

    return {
        "relationship": comparison.relationship.pk,
        "quarter": comparison.quarter,
        "closed": comparison.closed,
        "revealed": comparison.revealed,
        "supplier": side(comparison.supplier),
        "customer": side(comparison.customer),
        "overall_steps": comparison.overall_steps,
        "overall_agreement": comparison.overall_agreement,
        "overall_divergent": comparison.overall_divergent,
        "rows": [
            {
                "dimension": row.dimension.pk,
                "dimension_name": row.dimension.name,
                "supplier": cell(row.supplier),
                "customer": cell(row.customer),
                "steps": row.steps,
                "agreement": row.agreement,
                "divergent": row.divergent,
            }
            for row in comparison.rows
        ],
    }


class PaginatedRatingSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = RatingSerializer(many=True)


class SubmissionSerializer(serializers.Serializer):
    submitted = serializers.BooleanField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    row_version = serializers.IntegerField(help_text="Send it as If-Match when you submit.")
