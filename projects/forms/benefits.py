"""Forms · benefits: record or edit a benefit (our people) and validate or dispute it (the sponsor).

``BenefitForm`` has the service's ``EDITABLE_FIELDS`` but ``scorecard`` (the metric picker sets both).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms

from projects.models import CURRENCIES, Benefit, BenefitKind


class BenefitForm(forms.Form):
    kind = forms.ChoiceField(choices=BenefitKind.choices)
    description = forms.CharField(max_length=300, help_text="What improves, e.g. “Less boiler blowdown water”.")
    period_start = forms.CharField(label="Period from", widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.CharField(label="Period to", widget=forms.DateInput(attrs={"type": "date"}))
    currency = forms.CharField(max_length=8, widget=forms.Select(choices=CURRENCIES))
    estimated_amount = forms.CharField(
        label="Estimated amount",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text="A number ≥ 0, at most 2 decimals.",
    )
    metric_key = forms.CharField(
        label="Scorecard metric it moves", required=False, widget=forms.Select(choices=[("", "— none —")])
    )

    def __init__(self, *args: Any, metric_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metric_key"].widget.choices = [("", "— none —"), *metric_choices]
        if not metric_choices:
            self.fields["metric_key"].help_text = "This project's relationship has no scorecard metrics to link."

    @classmethod
    def initial_for(cls, benefit: Benefit) -> dict[str, str]:
        """The benefit's editable fields as the form shows them (ISO dates, amounts with 2 decimals)."""
        initial: dict[str, str] = {}
        for name in cls.base_fields:
            value = getattr(benefit, name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = f"{value:.2f}"
            initial[name] = value
        return initial


class ValidateForm(forms.Form):
    validated_amount = forms.CharField(
        label="Amount you confirm",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    comment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional when you confirm; required when you dispute (say what is wrong).",
    )
