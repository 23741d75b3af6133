"""Forms · selection: one person's scores of a candidate and the tenant's projects settings."""

from __future__ import annotations

from typing import Any

from django import forms

from projects.models import CURRENCIES, Criterion, ProjectsSettings
from projects.selection import SETTINGS_FIELDS, WEIGHT_FIELDS

SCORE_CHOICES = [(i, str(i)) for i in range(1, 6)]


CRITERION_HELP = {
    Criterion.CUSTOMER_VALUE: "1 = little value for the customer, 5 = a lot.",
    Criterion.BUY_IN: "1 = only one person wants it, 5 = every level of the customer backs it.",
    Criterion.DURABILITY: "1 = likely swept away by the next reorganisation, 5 = will last.",
    Criterion.EFFORT: "1 = little effort, 5 = a lot (counted inversely: less effort scores higher).",
    Criterion.DATA_AVAILABILITY: "1 = no data yet, 5 = the data is at hand.",
}


class ScoreForm(forms.Form):
    customer_value = forms.TypedChoiceField(
        label=Criterion.CUSTOMER_VALUE.label, choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    buy_in = forms.TypedChoiceField(
        label=Criterion.BUY_IN.label, choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    durability = forms.TypedChoiceField(
        label=Criterion.DURABILITY.label, choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    effort = forms.TypedChoiceField(
        label=Criterion.EFFORT.label, choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    data_availability = forms.TypedChoiceField(
        label=Criterion.DATA_AVAILABILITY.label, choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Why these scores (optional)."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, text in CRITERION_HELP.items():
            self.fields[key].help_text = text
            self.fields[key].error_messages["invalid_choice"] = "Choose a score from 1 to 5."
            self.fields[key].error_messages["required"] = "Choose a score from 1 to 5."


class SettingsForm(forms.ModelForm):
    default_currency = forms.ChoiceField(choices=CURRENCIES)

    class Meta:
        model = ProjectsSettings
        fields = sorted(SETTINGS_FIELDS)
        labels = {
            "weight_customer_value": "Customer value",
            "weight_buy_in": "Customer buy-in at all levels",
            "weight_durability": "Durability",
            "weight_effort": "Effort (counted inversely)",
            "weight_data_availability": "Data availability",
            "stalled_after_days": "Stalled after (days without activity)",
            "long_running_days": "Long-running after (days open)",
            "attachment_max_mb": "Largest attachment (MB)",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in WEIGHT_FIELDS.values():
            self.fields[name].widget.attrs.update({"min": 0, "max": 10, "inputmode": "numeric"})
            self.fields[name].help_text = "0 (ignored) to 10."
