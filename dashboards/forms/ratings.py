"""The champion's rating form: per dimension a five-colour radio group and a comment, overall, avoid-stall.

The form only shapes input; ``dashboards.ratings.rating_save`` decides what is allowed and
what a submission needs. Colours are choices 1–5, so 0, 6 or text are form errors before any write.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from dashboards.models import ChampionRating, Color, RatingDimension

COLOR_CHOICES = [(str(value), label) for value, label in Color.choices]
COMMENT_ROWS = 2


class RatingForm(forms.Form):
    """Fields ``color_<dimension id>`` and ``comment_<dimension id>`` per active dimension."""

    overall = forms.ChoiceField(label="Overall", choices=COLOR_CHOICES, required=False, widget=forms.RadioSelect)
    avoid_stall = forms.CharField(
        label="What we must do so the relationship does not stall",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    row_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)
    confirm_submit = forms.BooleanField(
        label="I am ready to submit: my rating will be locked and shown to the other champion once both are in.",
        required=False,
    )

    def __init__(
        self, *args: Any, dimensions: list[RatingDimension], rating: ChampionRating | None = None, **kwargs: Any
    ) -> None:
        if rating is not None and not args and "data" not in kwargs:
            kwargs["initial"] = initial_for(rating)
        super().__init__(*args, **kwargs)
        self.dimensions = dimensions
        for dimension in dimensions:
            self.fields[f"color_{dimension.pk}"] = forms.ChoiceField(
                label=dimension.name, choices=COLOR_CHOICES, required=False, widget=forms.RadioSelect
            )
            self.fields[f"comment_{dimension.pk}"] = forms.CharField(
                label=f"Comment on {dimension.name.lower()}",
                required=False,
                widget=forms.Textarea(attrs={"rows": COMMENT_ROWS}),
            )

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [
            {"dimension": d, "color": self[f"color_{d.pk}"], "comment": self[f"comment_{d.pk}"]}
            for d in self.dimensions
        ]

    def scores(self) -> dict[Any, tuple[Any, str]]:
        data = self.cleaned_data
        return {d.pk: (data.get(f"color_{d.pk}") or None, data.get(f"comment_{d.pk}", "")) for d in self.dimensions}

    def apply_service_error(self, error: ValidationError) -> None:
        """Show a service error on the matching field (``scores.<id>`` → that dimension's colour)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)  # keeps the code ("conflict", "locked") for the page
            return
        for key, messages in error.message_dict.items():
            name = f"color_{key.split('.', 1)[1]}" if key.startswith("scores.") else key
            self.add_error(name if name in self.fields else None, messages)


def initial_for(rating: ChampionRating) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "overall": str(rating.overall) if rating.overall else None,
        "avoid_stall": rating.avoid_stall,
        "row_version": rating.row_version,
    }
    for score in rating.scores.all():
        initial[f"color_{score.dimension_id}"] = str(score.color)
        initial[f"comment_{score.dimension_id}"] = score.comment
    return initial
