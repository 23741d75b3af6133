"""Forms · projects: the quick log, the edit form and the customer team.

Forms only parse and offer choices scoped to the active tenant (and the project's account), read
through the area's selectors; the rules live in ``projects.projects``, whose ``ValidationError``
messages are copied onto the form.
"""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms.base import DateInput, MemberChoiceField, model_field, set_queryset
from core.members import internal_members
from core.models import Membership
from knowledge.models import SolutionArea
from partnering.models import Contact, CustomerAccount, Relationship
from projects.models import BeltLevel, Project
from projects.projects import (
    PROJECT_FIELDS,
    accounts_for,
    active_areas,
    coach_pool,
    contacts_of,
    relationships_of,
    sponsors_for,
)

__all__ = ["ProjectEditForm", "QuickLogForm", "TeamForm"]


def _model_field(name: str, **kwargs: Any) -> Any:
    return model_field(Project, name, **kwargs)


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.path or obj.name)


TEXTAREA = {"rows": 3}
DATE = DateInput()


class QuickLogForm(forms.Form):
    """The quick log: four required fields, the rest optional under "More details"."""

    customer_account = forms.ModelChoiceField(
        queryset=CustomerAccount.objects.none(), label="Customer account", empty_label="Choose the customer…"
    )
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    problem_statement = forms.CharField(
        label="Problem",
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text="What hurts the customer, in a sentence or two.",
    )
    belt_level = forms.ChoiceField(
        label="Belt level",
        choices=BeltLevel.choices,
        initial=BeltLevel.GREEN,
        widget=forms.Select(attrs={"required": True}),  # Django omits it when there is no empty choice
    )
    # Optional ("More details")
    goal_statement = forms.CharField(label="Goal", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    solution_area = AreaChoiceField(
        queryset=SolutionArea.objects.none(), required=False, empty_label="Not known yet", label="Solution area"
    )
    is_pilot = forms.BooleanField(label="Pilot project", required=False)

    REQUIRED = ("customer_account", "title", "problem_statement", "belt_level")
    MORE = ("goal_statement", "solution_area", "is_pilot")

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "customer_account", accounts_for(membership))
        set_queryset(self, "solution_area", active_areas())

    def required_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.REQUIRED]

    def more_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.MORE]


class ProjectEditForm(forms.Form):
    """Every descriptive field of a project (``services.PROJECT_FIELDS``); people scoped to their role."""

    customer_account = forms.ModelChoiceField(queryset=CustomerAccount.objects.none(), label="Customer account")
    relationship = forms.ModelChoiceField(
        queryset=Relationship.objects.none(), required=False, empty_label="No relationship"
    )
    title = _model_field("title")
    problem_statement = _model_field("problem_statement", label="Problem", widget=forms.Textarea(attrs=TEXTAREA))
    goal_statement = _model_field("goal_statement", label="Goal", widget=forms.Textarea(attrs=TEXTAREA))
    scope = _model_field("scope", widget=forms.Textarea(attrs=TEXTAREA))
    redesign_what = _model_field("redesign_what", label="What work is done", widget=forms.Textarea(attrs=TEXTAREA))
    redesign_who = _model_field("redesign_who", label="Who does it", widget=forms.Textarea(attrs=TEXTAREA))
    redesign_how = _model_field(
        "redesign_how", label="How (enabling technology)", widget=forms.Textarea(attrs=TEXTAREA)
    )
    belt_level = forms.ChoiceField(label="Belt level", choices=BeltLevel.choices)
    lead = MemberChoiceField(show="name", queryset=Membership.objects.none(), help_text="Someone of our company.")
    coach = MemberChoiceField(
        show="name",
        queryset=Membership.objects.none(),
        required=False,
        empty_label="No coach yet",
        help_text="Coaches and certified Black Belts.",
    )
    customer_sponsor = MemberChoiceField(
        show="name",
        queryset=Membership.objects.none(),
        required=False,
        empty_label="No sponsor yet",
        label="Customer sponsor",
        help_text="A customer participant of this account; they validate benefits.",
    )
    solution_area = AreaChoiceField(
        queryset=SolutionArea.objects.none(), required=False, empty_label="Not known yet", label="Solution area"
    )
    is_pilot = forms.BooleanField(label="Pilot project", required=False)
    started_on = forms.DateField(label="Started on", widget=DATE)
    target_end_on = forms.DateField(label="Target end", required=False, widget=DATE)
    internal_notes = _model_field(
        "internal_notes", widget=forms.Textarea(attrs=TEXTAREA), help_text="Never shown to customer participants."
    )

    def __init__(self, *args: Any, project: Project, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        account = project.customer_account
        set_queryset(self, "customer_account", accounts_for(membership))
        set_queryset(self, "relationship", relationships_of(account))
        set_queryset(self, "lead", internal_members())
        set_queryset(self, "coach", coach_pool())
        set_queryset(self, "customer_sponsor", sponsors_for(account))
        set_queryset(self, "solution_area", active_areas(project.solution_area))

    field_order = PROJECT_FIELDS

    @staticmethod
    def initial_for(project: Project) -> dict[str, Any]:
        """The form's initial values: the project's writable fields (ids for the links)."""
        return {
            name: getattr(project, getattr(Project._meta.get_field(name), "attname", name)) for name in PROJECT_FIELDS
        }


class ContactChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} · {obj.title}" if obj.title else str(obj.full_name)


class TeamForm(forms.Form):
    contacts = ContactChoices(
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Customer team",
        help_text="Contacts of the customer account working on the project.",
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "contacts", contacts_of(project.customer_account))
