"""Forms · data sets: upload (the file field last, so a stopped upload loses no other field), paste, edit."""

from __future__ import annotations

from django import forms

from projects.models import Phase

PHASE_CHOICES = [("", "No particular phase"), *[(p.value, p.label) for p in Phase if p not in (Phase.CANCELLED,)]]


class DataSetFieldsMixin(forms.Form):
    name = forms.CharField(label="Name", max_length=200, required=False, help_text="Defaults to the file's name.")
    phase = forms.ChoiceField(label="Phase", choices=PHASE_CHOICES, required=False)
    description = forms.CharField(label="What the data are", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    internal_only = forms.BooleanField(label="Internal only (never shown to the customer)", required=False)


class UploadForm(DataSetFieldsMixin):
    file = forms.FileField(required=False, label="File")


class PasteForm(DataSetFieldsMixin):
    text = forms.CharField(
        label="Table",
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "class": "sb-mono"}),
        help_text="Copy the cells from a spreadsheet, header row first (tab- or comma-separated; up to 2 MB).",
    )


class VersionForm(forms.Form):
    file = forms.FileField(required=False, label="New version")


class DataSetEditForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    phase = forms.ChoiceField(label="Phase", choices=PHASE_CHOICES, required=False)
    description = forms.CharField(label="What the data are", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    internal_only = forms.BooleanField(label="Internal only (never shown to the customer)", required=False)
