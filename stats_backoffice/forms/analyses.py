"""Forms · analyses: pick the kind and the columns of one data-set version (never a formula).

The choices come from the version's columns and their types: the response offers numeric columns
(and two-valued ones for logistic regression), the factor categorical ones. The polynomial degree,
interactions and reference levels are picked, not typed as code; ``params()`` hands the service the
engine's parameters, which checks them again against the columns (the API goes through the same check).
"""

from __future__ import annotations

from typing import Any

from django import forms

from stats_backoffice.analyses import MAX_POLY_DEGREE, binary_columns, kinds_for
from stats_backoffice.models import AnalysisKind, DataSetVersion

KIND_LABELS = {"numeric": "number", "categorical": "category", "datetime": "date/time", "text": "text"}


class AnalysisForm(forms.Form):
    kind = forms.ChoiceField(label="Analysis", widget=forms.RadioSelect)
    title = forms.CharField(label="Title", max_length=200, required=False, help_text="Defaults to what is analysed.")
    y = forms.ChoiceField(label="Response (Y)", required=False)
    x = forms.MultipleChoiceField(label="Predictors (X)", required=False, widget=forms.CheckboxSelectMultiple)
    factor = forms.ChoiceField(label="Factor (the groups)", required=False)
    columns = forms.MultipleChoiceField(label="Columns", required=False, widget=forms.CheckboxSelectMultiple)
    poly_column = forms.ChoiceField(label="Polynomial of", required=False)
    poly_degree = forms.TypedChoiceField(
        label="Degree",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *[(d, str(d)) for d in range(2, MAX_POLY_DEGREE + 1)]],
    )
    interactions = forms.MultipleChoiceField(
        label="Two-way interactions", required=False, widget=forms.CheckboxSelectMultiple
    )
    reference = forms.MultipleChoiceField(
        label="Reference levels",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For a categorical predictor: the level the others are compared with (default: the first).",
    )
    no_intercept = forms.BooleanField(label="Fit without an intercept (through the origin)", required=False)
    cutoff = forms.FloatField(
        label="Classification cut-off", required=False, min_value=0.01, max_value=0.99, initial=0.5
    )

    def __init__(self, *args: Any, version: DataSetVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        columns = version.columns or []
        numeric = [(c["name"], self.label(c)) for c in columns if c["kind"] == "numeric"]
        usable = [(c["name"], self.label(c)) for c in columns if c["kind"] in ("numeric", "categorical")]
        binary = set(binary_columns(version))
        self.choice_field("kind").choices = kinds_for(version)
        self.choice_field("y").choices = [
            ("", "Choose…"),
            *[(c["name"], self.label(c)) for c in columns if c["kind"] == "numeric" or c["name"] in binary],
        ]
        self.choice_field("x").choices = usable
        self.choice_field("columns").choices = numeric
        self.choice_field("factor").choices = [
            ("", "Choose…"),
            *[(c["name"], self.label(c)) for c in columns if c["kind"] in ("categorical", "numeric")],
        ]
        self.choice_field("poly_column").choices = [("", "—"), *numeric]
        names = [name for name, _label in usable]
        self.choice_field("interactions").choices = [
            (f"{a}|{b}", f"{a} × {b}") for i, a in enumerate(names) for b in names[i + 1 :]
        ][:300]
        self.choice_field("reference").choices = [
            (f"{c['name']}|{level}", f"{c['name']} = {level}")
            for c in columns
            if c["kind"] == "categorical"
            for level in (c.get("levels") or [])[:30]
        ]
        self.binary = binary

    def choice_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    @staticmethod
    def label(column: dict[str, Any]) -> str:
        return f"{column['name']} ({KIND_LABELS.get(column['kind'], column['kind'])})"

    def params(self) -> dict[str, Any]:
        """The engine's parameters for the chosen kind (the service checks them against the columns)."""
        data = self.cleaned_data
        kind = data["kind"]
        if kind == AnalysisKind.DESCRIBE:
            return {"columns": data["columns"] or ([data["y"]] if data.get("y") else [])}
        if kind == AnalysisKind.ANOVA:
            return {"y": data["y"], "factor": data["factor"]}
        params: dict[str, Any] = {
            "y": data["y"],
            "x": data["x"],
            "intercept": not data["no_intercept"],
            "poly": {data["poly_column"]: data["poly_degree"]}
            if data.get("poly_column") and data.get("poly_degree")
            else {},
            "interactions": [pair.split("|", 1) for pair in data["interactions"]],
            "reference": dict(pair.split("|", 1) for pair in data["reference"]),
        }
        if kind == AnalysisKind.LOGIT:
            params["cutoff"] = data["cutoff"] if data.get("cutoff") is not None else 0.5
        return params

    @classmethod
    def initial_from(cls, params: dict[str, Any], kind: str) -> dict[str, Any]:
        """Form values that reproduce ``params`` (re-run with changed parameters)."""
        poly = params.get("poly") or {}
        column, degree = next(iter(poly.items())) if poly else ("", None)
        return {
            "kind": kind,
            "y": params.get("y", ""),
            "x": params.get("x", []),
            "factor": params.get("factor", ""),
            "columns": params.get("columns", []),
            "poly_column": column,
            "poly_degree": degree,
            "interactions": [f"{a}|{b}" for a, b in params.get("interactions", [])],
            "reference": [f"{k}|{v}" for k, v in (params.get("reference") or {}).items()],
            "no_intercept": params.get("intercept") is False,
            "cutoff": params.get("cutoff", 0.5),
        }
