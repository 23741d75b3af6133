"""Forms for administering a relationship: create/edit, level changes, sponsors, roster.

Choices are scoped to the active tenant (and, where known, to the relationship's account); the
services re-check every rule, so a hand-crafted POST gets the same clear message.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.forms.base import DateInput, MemberChoiceField, set_queryset
from core.members import customer_participants, internal_members
from core.models import Membership
from partnering.accounts import account_choices, relationship_contacts
from partnering.models import Contact, CustomerAccount, Level, Relationship
from partnering.relationships import relationship_exists, sponsor_choices


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        company = obj.account.name if obj.account_id else "Our company"
        return (
            f"{obj.full_name} · {obj.title or 'no title'} · {company}" if obj.title else f"{obj.full_name} · {company}"
        )


def _relationship_field(name: str, **kwargs: Any) -> Any:
    field: Any = Relationship._meta.get_field(name)
    return field.formfield(**kwargs)


class RelationshipEditForm(forms.Form):
    """Who runs the relationship and how often it is reviewed (the level has its own form)."""

    business_unit = _relationship_field("business_unit")
    supplier_champion = MemberChoiceField(
        queryset=Membership.objects.none(), required=False, empty_label="Not chosen yet", help_text="Of our company."
    )
    customer_champion = MemberChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        empty_label="Not chosen yet",
        help_text="A participant of the customer account.",
    )
    review_cadence_months = _relationship_field("review_cadence_months", label="Review every (months)")
    plan_summary = _relationship_field("plan_summary", widget=forms.Textarea(attrs={"rows": 4}))
    internal_notes = _relationship_field("internal_notes", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, membership: Membership, account: CustomerAccount | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.member = membership
        set_queryset(self, "supplier_champion", internal_members())
        set_queryset(self, "customer_champion", customer_participants(account))


class RelationshipCreateForm(RelationshipEditForm):
    """A new relationship with an account (or one of its business units) at a starting level."""

    account = forms.ModelChoiceField(queryset=CustomerAccount.objects.none(), empty_label="Choose an account")
    level = forms.ChoiceField(choices=Level.choices, initial=Level.TRANSACTIONAL, label="Starting level")
    field_order = ["account", "business_unit", "level", "supplier_champion", "customer_champion"]

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any):
        super().__init__(*args, membership=membership, **kwargs)
        set_queryset(self, "account", account_choices(membership=membership))
        self.fields["customer_champion"].help_text = "A participant of the chosen customer account."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        account = cleaned.get("account")
        if account is not None and "business_unit" in cleaned:
            unit = cleaned["business_unit"]
            if relationship_exists(account=account, business_unit=unit):
                where = f"business unit '{unit}'" if unit else "the whole account"
                self.add_error("business_unit", f"{account} already has a relationship for {where}.")
        return cleaned


class LevelChangeForm(forms.Form):
    """Move the relationship to another level, with the date it happened and why."""

    level = forms.ChoiceField(choices=Level.choices, label="New level")
    changed_on = forms.DateField(label="Changed on", initial=timezone.localdate, widget=DateInput())
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Why it changed.")

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.member = membership


class SponsorForm(forms.Form):
    """An executive sponsor: someone of our company or a participant of this customer account."""

    membership = MemberChoiceField(queryset=Membership.objects.none(), label="Sponsor", empty_label="Choose a person")

    def __init__(self, *args: Any, membership: Membership, relationship: Relationship, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.member = membership
        set_queryset(self, "membership", sponsor_choices(relationship=relationship))


class RosterForm(forms.Form):
    """A person on the relationship's roster, with their role and whether they are a point person."""

    contact = ContactChoiceField(queryset=Contact.objects.none(), empty_label="Choose a contact")
    role = forms.CharField(max_length=150, help_text="Their role in the relationship, e.g. 'Quality lead'.")
    is_point_person = forms.BooleanField(required=False, label="Point person")

    def __init__(self, *args: Any, membership: Membership, relationship: Relationship, **kwargs: Any):
        super().__init__(*args, **kwargs)
        set_queryset(self, "contact", relationship_contacts(membership=membership, account_id=relationship.account_id))

    def clean_role(self) -> str:
        role = self.cleaned_data["role"].strip()
        if not role:
            raise ValidationError("Say what this person does in the relationship.")
        return str(role)
