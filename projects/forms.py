"""Forms of the projects pages (quick log, edit, customer team).

Forms only parse and offer choices scoped to the active tenant (and the project's account); the
rules live in ``projects.services``, whose ``ValidationError`` messages are copied onto the form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from core.forms.base import DateInput, MemberChoiceField
from core.members import internal_members
from core.models import Membership, Role
from knowledge.models import SolutionArea
from partnering.models import Contact, CustomerAccount, Relationship
from projects import selectors
from projects.models import BeltLevel, Project

__all__ = ["ProjectEditForm", "QuickLogForm", "TeamForm"]


def _model_field(name: str, **kwargs: Any) -> Any:
    return Project._meta.get_field(name).formfield(**kwargs)  # type: ignore[union-attr]


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.path or obj.name)


def accounts_for(membership: Membership) -> QuerySet[CustomerAccount]:
    """The tenant's accounts, the member's own accounts first."""
    return CustomerAccount.objects.annotate(
        mine=Case(When(owner=membership, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("mine", "name")


def active_areas(current: SolutionArea | None = None) -> QuerySet[SolutionArea]:
    query = Q(is_active=True)
    if current is not None:
        query |= Q(pk=current.pk)
    return SolutionArea.objects.filter(query).order_by("path")


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
        self.fields["customer_account"].queryset = accounts_for(membership)  # type: ignore[attr-defined]
        self.fields["solution_area"].queryset = active_areas()  # type: ignore[attr-defined]

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
        self.fields["customer_account"].queryset = accounts_for(membership)  # type: ignore[attr-defined]
        self.fields["relationship"].queryset = Relationship.objects.filter(account=account).order_by(  # type: ignore[attr-defined]
            "business_unit"
        )
        self.fields["lead"].queryset = internal_members()  # type: ignore[attr-defined]
        self.fields["coach"].queryset = selectors.coach_pool()  # type: ignore[attr-defined]
        self.fields["customer_sponsor"].queryset = (  # type: ignore[attr-defined]
            Membership.objects.filter(role=Role.CUSTOMER, customer_account=account)
            .select_related("user")
            .order_by("user__full_name", "user__email")
        )
        self.fields["solution_area"].queryset = active_areas(project.solution_area)  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(project: Project) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for name in ProjectEditForm.base_fields:
            value = getattr(project, f"{name}_id", None) if name in FK_FIELDS else getattr(project, name)
            initial[name] = value
        return initial


FK_FIELDS = {"customer_account", "relationship", "lead", "coach", "customer_sponsor", "solution_area"}


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
        self.fields["contacts"].queryset = Contact.objects.filter(  # type: ignore[attr-defined]
            account_id=project.customer_account_id
        ).order_by("full_name")
