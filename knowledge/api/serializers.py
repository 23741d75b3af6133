"""Serializers of the solution-area API."""

from __future__ import annotations

from rest_framework import serializers

from core.api.fields import ScopedPrimaryKeyRelatedField
from knowledge.models import SolutionArea


class SolutionAreaSerializer(serializers.ModelSerializer):
    parent = ScopedPrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=SolutionArea.objects.all(),
        allow_null=True,
        required=False,
        help_text="Parent area id; null = top level.",
    )
    project_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = SolutionArea
        fields = ["id", "name", "parent", "description", "path", "depth", "is_active", "project_count", "created_at"]
        read_only_fields = ["id", "path", "depth", "created_at", "project_count"]
        validators: list[object] = []  # uniqueness is checked by the service (→ 400 on ``name``)
