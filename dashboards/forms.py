"""Forms of the scorecard pages. They only parse; rules and permissions live in ``services``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from core import quarters
from core.models import Membership
from dashboards.models import Metric, MetricTemplate
from dashboards.selectors import Cell
from dashboards.services import DEFINITION_FIELDS, result_fields_for

DEFINITION_ORDER = [
    "name",
    "category",
    "unit",
    "direction",
    "goal",
    "yellow_band_pct",
    "tolerance",
    "figure_owner",
    "basis_of_calculation",
    "data_source",
    "position",
]
assert set(DEFINITION_ORDER) == DEFINITION_FIELDS


def _field(model: Any, name: str, **kwargs: Any) -> forms.Field:
    """The model's own form field, so forms and models agree on limits, choices and help."""
    if name in ("basis_of_calculation",):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
    return model._meta.get_field(name).formfield(**kwargs)  # type: ignore[no-any-return]


def _plain(value: Decimal | None) -> str | None:
    """A stored figure as typed (97.5, not 97.5000); no thousands separators in inputs."""
    return None if value is None else format(value.normalize(), "f")


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
        for name in DEFINITION_ORDER:
            self.fields[name] = _field(MetricTemplate, name)
        _position_optional(self)
        self.fields["active"] = _field(MetricTemplate, "active")

    def values(self) -> dict[str, Any]:
        return _without_empty_position({name: self.cleaned_data[name] for name in [*DEFINITION_ORDER, "active"]})


class QuarterResultsForm(forms.Form):
    """All metrics of one quarter; only the figures the member may edit become fields.

    A hidden ``<key>-row_version`` per metric carries the version the member saw, so a save over
    someone else's newer figures is refused with a clear conflict message."""

    def __init__(self, *args: Any, cells: list[Cell], membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cells = cells
        self.editable = result_fields_for(membership)
        for cell in cells:
            key = cell.metric.key if cell.metric else ""
            for name in ("supplier_value", "customer_value", "agreed_value"):
                if name in self.editable:
                    self.fields[f"{key}-{name}"] = forms.DecimalField(
                        required=False,
                        max_digits=14,
                        decimal_places=4,
                        initial=_plain(getattr(cell, name)),
                        label=name.replace("_", " ").capitalize(),
                        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
                    )
            if "note" in self.editable:
                self.fields[f"{key}-note"] = forms.CharField(
                    required=False,
                    initial=cell.result.note if cell.result else "",
                    widget=forms.Textarea(attrs={"rows": 2}),
                    label="Note",
                )
            self.fields[f"{key}-row_version"] = forms.IntegerField(
                min_value=0, initial=cell.row_version, widget=forms.HiddenInput
            )

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for cell in self.cells:
            key = cell.metric.key if cell.metric else ""
            out.append(
                {
                    "cell": cell,
                    "key": key,
                    "fields": [
                        self[f"{key}-{n}"]
                        for n in ("supplier_value", "customer_value", "agreed_value", "note")
                        if f"{key}-{n}" in self.fields
                    ],
                    "row_version": self[f"{key}-row_version"],
                }
            )
        return out

    def entries(self, quarter: str) -> list[dict[str, Any]]:
        """The input as entries for ``services.results_record_many`` (one per metric)."""
        out = []
        for cell in self.cells:
            key = cell.metric.key if cell.metric else ""
            entry: dict[str, Any] = {
                "metric_key": key,
                "quarter": quarter,
                "expected_row_version": self.cleaned_data[f"{key}-row_version"],
            }
            for name in ("supplier_value", "customer_value", "agreed_value", "note"):
                if f"{key}-{name}" in self.fields:
                    entry[name] = self.cleaned_data[f"{key}-{name}"]
            out.append(entry)
        return out


class ResultsImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: quarter, metric_key, supplier_value, customer_value, agreed_value. UTF-8, at most 2 MB.",
    )
