"""Forms of the scorecards area (definitions, metric templates). They only parse; rules and
permissions live in ``dashboards.scorecards``."""

from __future__ import annotations

from typing import Any

from django import forms

from core import quarters
from dashboards.models import Metric, MetricTemplate
from dashboards.scorecards import DEFINITION_FIELDS, TEMPLATE_FIELDS

#: The service's ``DEFINITION_FIELDS`` in the form's order: who owns the figure comes with the
#: figures' rules (right after the tolerance), before the free texts.
DEFINITION_ORDER = sorted(
    DEFINITION_FIELDS,
    key=lambda name: (
        DEFINITION_FIELDS.index("tolerance") + 0.5 if name == "figure_owner" else DEFINITION_FIELDS.index(name)
    ),
)
#: A template's fields: the definition plus ``active`` (the service's ``TEMPLATE_FIELDS``).
TEMPLATE_ORDER = [*DEFINITION_ORDER, *(name for name in TEMPLATE_FIELDS if name not in DEFINITION_FIELDS)]


def _field(model: Any, name: str, **kwargs: Any) -> forms.Field:
    """The model's own form field, so forms and models agree on limits, choices and help."""
    if name in ("basis_of_calculation",):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
    return model._meta.get_field(name).formfield(**kwargs)  # type: ignore[no-any-return]


def _position_optional(form: forms.Form) -> None:
    field = form.fields["position"]
    field.required = False
    field.help_text = "Order on the scorecard; empty puts it last."


def _without_empty_position(values: dict[str, Any]) -> dict[str, Any]:
    if values.get("position") is None:
        values.pop("position", None)
    return values


def clean_quarter(value: str) -> str:
    value = (value or "").strip().upper()
    if value:
        quarters.parse(value)
    return value


class MetricDefinitionForm(forms.Form):
    """Tailor one metric of the scorecard (or add one, with ``adding=True``)."""

    def __init__(self, *args: Any, adding: bool = False, show_valid_from: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if adding:
            self.fields["key"] = forms.SlugField(
                max_length=60, help_text="A short stable identifier, e.g. spare_parts_fill_rate."
            )
        for name in DEFINITION_ORDER:
            self.fields[name] = _field(Metric, name)
        _position_optional(self)
        if show_valid_from:
            self.fields["valid_from"] = forms.CharField(
                required=False,
                max_length=6,
                label="New version starts in quarter",
                help_text=f"Empty: this quarter ({quarters.current()}). Earlier quarters keep the agreed version.",
            )
        self.fields["change_note"] = forms.CharField(
            required=False, max_length=500, label="Why the change", help_text="Shown to both champions."
        )

    def clean_valid_from(self) -> str:
        return clean_quarter(self.cleaned_data.get("valid_from", ""))

    def definition(self) -> dict[str, Any]:
        return _without_empty_position({name: self.cleaned_data[name] for name in DEFINITION_ORDER})


class MetricTemplateForm(forms.Form):
    """Edit (or add) one of the tenant's metric templates."""

    def __init__(self, *args: Any, adding: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if adding:
            self.fields["key"] = forms.SlugField(max_length=60, help_text="A short stable identifier.")
        for name in TEMPLATE_ORDER:
            self.fields[name] = _field(MetricTemplate, name)
        _position_optional(self)

    def values(self) -> dict[str, Any]:
        return _without_empty_position({name: self.cleaned_data[name] for name in TEMPLATE_ORDER})
