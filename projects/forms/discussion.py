"""Forms · discussion: a comment, an attachment and the customer's feedback on a phase."""

from __future__ import annotations

from django import forms

from projects.models import Phase


class CommentForm(forms.Form):
    body = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 3}))
    internal_only = forms.BooleanField(label="Internal only (never shown to the customer)", required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(required=False)
    internal_only = forms.BooleanField(label="Internal only (never shown to the customer)", required=False)


SATISFACTION_CHOICES = [
    (5, "5 · Very satisfied"),
    (4, "4 · Satisfied"),
    (3, "3 · Neutral"),
    (2, "2 · Dissatisfied"),
    (1, "1 · Very dissatisfied"),
]


class FeedbackForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label="How satisfied are you?", choices=SATISFACTION_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    what_worked = forms.CharField(label="What worked", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    what_to_change = forms.CharField(
        label="What should we change", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    phase = forms.ChoiceField(label="Phase", choices=[(p.value, p.label) for p in Phase if p != Phase.CANCELLED])
