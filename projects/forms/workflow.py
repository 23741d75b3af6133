"""Forms · workflow: tollgate submit and decision, waiting, cancel, belt credit and deliverables."""

from __future__ import annotations

from django import forms

from projects.models import DMAIC_PHASES, CreditOwner, Phase, WaitingKind
from projects.workflow import APPROVE, RETURN


class SubmitForm(forms.Form):
    summary = forms.CharField(
        label="What was delivered in this phase",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A few lines for the coach: deliverables, findings, decisions.",
    )
    submit_anyway = forms.BooleanField(label="Submit anyway, with the open deliverables listed above", required=False)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (APPROVE, "Approve: the project enters the next phase"),
            (RETURN, "Return with comments"),
        ],
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when you return the tollgate: say what must change.",
    )


class WaitingForm(forms.Form):
    kind = forms.ChoiceField(label="Waiting for", choices=WaitingKind.choices)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Why, and on whom.")
    expected_end_on = forms.DateField(
        label="Expected end", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="Kept on the project and shown to the team."
    )
    confirm = forms.BooleanField(label="Yes, cancel this project (this cannot be undone)")


class CreditForm(forms.Form):
    owner = forms.ChoiceField(
        label="Who gets the belt credit",
        choices=[c for c in CreditOwner.choices if c[0] != CreditOwner.UNSETTLED],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ChecklistAddForm(forms.Form):
    phase = forms.ChoiceField(choices=[(p, Phase(p).label) for p in DMAIC_PHASES])
    title = forms.CharField(label="Deliverable", max_length=200)
