"""Forms · belts: cohorts, candidates, the sign-off and the curriculum."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms.base import DateInput, MemberChoiceField, set_queryset
from core.members import internal_members
from core.models import Membership
from projects.belts import cohorts, training_modules
from projects.models import BeltLevel, Cohort, TrainingModule
from projects.projects import coach_pool


class CohortForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="e.g. “Green Belt wave 3 — spring”.")
    belt_level = forms.ChoiceField(choices=BeltLevel.choices, initial=BeltLevel.GREEN, label="Belt")
    starts_on = forms.DateField(widget=DateInput(), label="Starts")
    ends_on = forms.DateField(widget=DateInput(), label="Ends", required=False)
    coach = MemberChoiceField(
        show="role",
        queryset=Membership.objects.none(),
        required=False,
        empty_label="No coach yet",
        help_text="Coaches the cohort.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "coach", coach_pool())


class CandidateForm(forms.Form):
    member = MemberChoiceField(
        show="role", queryset=Membership.objects.none(), label="Person", empty_label="Choose someone of our company"
    )
    cohort = forms.ModelChoiceField(queryset=Cohort.objects.none(), empty_label="Choose a cohort")
    target_belt = forms.ChoiceField(
        choices=[("", "The cohort's belt"), *BeltLevel.choices], required=False, label="Working towards"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "member", internal_members())
        set_queryset(self, "cohort", cohorts())


class CertifyForm(forms.Form):
    certified_on = forms.DateField(widget=DateInput(), label="Certified on")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Sign-off note")


class ModuleForm(forms.Form):
    belt_level = forms.ChoiceField(choices=BeltLevel.choices, label="Curriculum")
    name = forms.CharField(max_length=150, label="Module")
    is_required = forms.BooleanField(required=False, initial=True, label="Required for certification")


class ModuleRenameForm(forms.Form):
    module = forms.ModelChoiceField(queryset=TrainingModule.objects.none())
    name = forms.CharField(max_length=150)
    is_required = forms.BooleanField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "module", training_modules())
