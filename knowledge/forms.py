"""Forms of the solution-area taxonomy."""

from __future__ import annotations

from typing import Any

from django import forms

from knowledge.models import SolutionArea


class AreaForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="e.g. “Boiler water”. The path is built from the parents.")
    parent = forms.ModelChoiceField(
        queryset=SolutionArea.objects.none(),
        required=False,
        empty_label="— top level —",
        help_text="Where the area sits in the tree.",
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, area: SolutionArea | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queryset = SolutionArea.objects.filter(is_active=True).order_by("path")
        if area is not None:
            # Not itself nor its own sub-areas (the service refuses those too).
            queryset = queryset.exclude(pk=area.pk).exclude(path__startswith=area.path + " › ")
            if area.parent_id is not None:
                queryset = queryset | SolutionArea.objects.filter(pk=area.parent_id)
        field = self.fields["parent"]
        field.queryset = queryset.order_by("path")  # type: ignore[attr-defined]
        field.label_from_instance = lambda a: f"{'— ' * a.depth}{a.name}"  # type: ignore[attr-defined]
