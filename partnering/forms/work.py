"""Forms of the action-item and future-topic pages. They parse input and offer the member's
choices; ``partnering.work`` validates (owner of this account, due date not before the meeting,
the short-list limit) and writes."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms.base import DateInput, MemberChoiceField, set_queryset
from core.models import Membership
from partnering.accounts import relationship_contacts
from partnering.meetings import meetings_of
from partnering.models import (
    ActionStatus,
    Contact,
    FutureTopic,
    Meeting,
    Relationship,
    TopicCategory,
    TopicStatus,
)
from partnering.work import action_owner_choices, topic_choices


class ActionForm(forms.Form):
    title = forms.CharField(max_length=200, label="What")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    owner = MemberChoiceField(
        queryset=Membership.objects.none(), show="side", label="Who", empty_label="Choose the owner"
    )
    due_on = forms.DateField(label="Due", widget=DateInput())
    status = forms.ChoiceField(choices=ActionStatus.choices, initial=ActionStatus.OPEN)
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(), required=False, empty_label="No meeting", help_text="Agreed at this meeting."
    )
    topic = forms.ModelChoiceField(
        queryset=FutureTopic.objects.none(),
        required=False,
        empty_label="No topic",
        help_text="Part of this topic's plan.",
    )
    internal_only = forms.BooleanField(
        required=False, label="Internal only", help_text="Never shown to the customer (cannot be owned by them)."
    )

    def __init__(self, *args: Any, membership: Membership, relationship: Relationship, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.relationship = relationship
        # Our company's people and the participants of this account; anyone else is "not a valid choice".
        set_queryset(self, "owner", action_owner_choices(relationship=relationship))
        set_queryset(self, "meeting", meetings_of(membership=membership, relationship=relationship))
        set_queryset(self, "topic", topic_choices(membership=membership, relationship=relationship))


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices)


class TopicForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    category = forms.ChoiceField(choices=TopicCategory.choices, initial=TopicCategory.OTHER)
    internal_notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="Never shown to the customer."
    )

    def __init__(self, *args: Any, internal: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not internal:
            del self.fields["internal_notes"]


SCORE_CHOICES = [(i, str(i)) for i in range(1, 6)]


class TopicScoreForm(forms.Form):
    """One firm's score, 1 (low) to 5 (high)."""

    value_to_supplier = forms.TypedChoiceField(
        choices=SCORE_CHOICES, coerce=int, label="Value to the supplier", widget=forms.RadioSelect
    )
    value_to_customer = forms.TypedChoiceField(
        choices=SCORE_CHOICES, coerce=int, label="Value to the customer", widget=forms.RadioSelect
    )
    feasibility = forms.TypedChoiceField(choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect)


class TopicStatusForm(forms.Form):
    status = forms.ChoiceField(choices=TopicStatus.choices)
    priority = forms.IntegerField(
        min_value=1, max_value=10, required=False, help_text="1 = highest; only for short-listed topics."
    )


class SteeringMemberForm(forms.Form):
    contact = forms.ModelChoiceField(queryset=Contact.objects.none(), empty_label="Choose a person")

    def __init__(self, *args: Any, membership: Membership, relationship: Relationship, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "contact", relationship_contacts(membership=membership, account_id=relationship.account_id))
