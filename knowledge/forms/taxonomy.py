"""Forms · taxonomy: add or edit an area (the choices come from ``knowledge.taxonomy``)."""

from __future__ import annotations

from typing import Any

from django import forms

from knowledge.models import SolutionArea
from knowledge.taxonomy import parent_choices


class TreeChoiceField(forms.ModelChoiceField):
    """Areas indented by depth, so the tree reads as a tree in a select."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{'— ' * obj.depth}{obj.name}"


class AreaForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="e.g. “Boiler water”. The path is built from the parents.")
    parent = TreeChoiceField(
        queryset=SolutionArea.objects.none(),
        required=False,
        empty_label="— top level —",
        help_text="Where the area sits in the tree.",
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, area: SolutionArea | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["parent"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = parent_choices(area=area)
