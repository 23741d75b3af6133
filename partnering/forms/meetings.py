"""Forms of the meeting pages. They only parse input and offer the member's choices;
``partnering.meetings`` validates and writes."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms.base import DateTimeLocalInput
from core.models import Membership
from partnering.accounts import relationship_contacts
from partnering.meetings import hard_questions_of
from partnering.models import Contact, Meeting, MeetingKind, MeetingStatus, Relationship

DATETIME_LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


class AttendeeGroupsMixin:
    """Checkbox lists grouped "our company" / the customer, for the template. Who can attend:
    people of our company and of this relationship's customer account."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, membership: Membership, relationship: Relationship, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.relationship = relationship
        contacts = relationship_contacts(membership=membership, account_id=relationship.account_id)
        self.contacts = list(contacts)
        for name in ("attendees", "attended"):
            if name in self.fields:
                field = self.fields[name]
                assert isinstance(field, forms.ModelMultipleChoiceField)
                field.queryset = contacts

    def attendee_groups(self, field_name: str = "attendees") -> list[tuple[str, list[dict[str, Any]]]]:
        bound = self[field_name]  # type: ignore[index]
        selected = {str(v) for v in (bound.value() or [])}
        ours = [c for c in self.contacts if c.account_id is None]
        theirs = [c for c in self.contacts if c.account_id is not None]
        groups = []
        for label, people in (("Our company", ours), (str(self.relationship.account), theirs)):
            groups.append(
                (label, [{"contact": c, "value": str(c.pk), "checked": str(c.pk) in selected} for c in people])
            )
        return groups

    @property
    def invitee_groups(self) -> list[tuple[str, list[dict[str, Any]]]]:
        return self.attendee_groups("attendees")

    @property
    def attended_groups(self) -> list[tuple[str, list[dict[str, Any]]]]:
        return self.attendee_groups("attended")


class MeetingCreateForm(AttendeeGroupsMixin, forms.Form):
    kind = forms.ChoiceField(choices=MeetingKind.choices, initial=MeetingKind.QUARTERLY_REVIEW)
    title = forms.CharField(max_length=200, required=False, help_text="Leave empty for “<kind> – <relationship>”.")
    starts_at = forms.DateTimeField(
        label="Date and time",
        widget=DateTimeLocalInput(),
        input_formats=DATETIME_LOCAL_FORMATS,
        help_text="In UTC, like every time in this workspace.",
    )
    duration_minutes = forms.IntegerField(label="Duration (minutes)", min_value=5, max_value=24 * 60, initial=90)
    location = forms.CharField(max_length=200, required=False, help_text="A room, a site, or a video link.")
    agenda = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="A quarterly review left empty starts from the default agenda and the hard questions.",
    )
    attendees = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    internal_notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="Never shown to the customer."
    )


class MeetingEditForm(AttendeeGroupsMixin, forms.Form):
    """Record what happened: attendance, answers to the hard questions, minutes, decisions, status."""

    kind = forms.ChoiceField(choices=MeetingKind.choices)
    title = forms.CharField(max_length=200)
    starts_at = forms.DateTimeField(
        label="Date and time",
        widget=DateTimeLocalInput(),
        input_formats=DATETIME_LOCAL_FORMATS,
        help_text="In UTC, like every time in this workspace.",
    )
    duration_minutes = forms.IntegerField(label="Duration (minutes)", min_value=5, max_value=24 * 60)
    location = forms.CharField(max_length=200, required=False)
    status = forms.ChoiceField(choices=MeetingStatus.choices)
    agenda = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)
    attendees = forms.ModelMultipleChoiceField(
        label="Invited", queryset=Contact.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    attended = forms.ModelMultipleChoiceField(
        label="Attended", queryset=Contact.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    minutes = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)
    decisions = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    new_question = forms.CharField(
        label="Add a hard question", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    internal_notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="Never shown to the customer."
    )

    def __init__(self, *args: Any, membership: Membership, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, membership=membership, relationship=meeting.relationship, **kwargs)
        self.questions = hard_questions_of(meeting=meeting)
        for question in self.questions:
            self.fields[f"answer_{question.pk}"] = forms.CharField(
                label=question.question,
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                initial=question.answer,
            )

    @property
    def answer_fields(self) -> list[forms.BoundField]:
        return [self[f"answer_{q.pk}"] for q in self.questions]

    def answers(self) -> dict[str, str]:
        return {str(q.pk): self.cleaned_data.get(f"answer_{q.pk}", "") for q in self.questions}
