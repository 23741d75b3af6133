"""Forms for customer accounts and the contact Rolodex.

The forms only parse and offer choices scoped to the member (``partnering.accounts`` selectors);
the writes and the business rules live in its services, whose ``ValidationError`` messages are
copied onto the form with ``core.forms.base.apply_service_errors`` so the page shows them next to
the field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.forms.base import DateInput, MemberChoiceField, model_field, set_queryset
from core.members import internal_members
from core.models import Membership
from partnering import accounts
from partnering.accounts import SIDE_OURS
from partnering.models import ActivityChannel, Contact, ContactActivity, CustomerAccount


class AccountForm(forms.Form):
    """Create or edit a customer account; the owner must be someone of our company."""

    name = model_field(CustomerAccount, "name")
    industry = model_field(CustomerAccount, "industry")
    region = model_field(CustomerAccount, "region")
    owner = MemberChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        empty_label="No owner yet",
        help_text="A rep of our company.",
    )
    description = model_field(CustomerAccount, "description", widget=forms.Textarea(attrs={"rows": 4}))
    internal_notes = model_field(CustomerAccount, "internal_notes", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, membership: Membership, account: CustomerAccount | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.member = membership
        self.account = account
        set_queryset(self, "owner", internal_members())

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if accounts.account_name_taken(name, account=self.account):
            raise ValidationError("A customer account with this name already exists.")
        return str(name)


class ContactFilterForm(forms.Form):
    """The Rolodex filters (GET): free text and one account or our own company."""

    q = forms.CharField(required=False, max_length=100, label="Search")
    account = forms.ChoiceField(required=False, label="Company")

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any):
        super().__init__(*args, **kwargs)
        account_field = self.fields["account"]
        assert isinstance(account_field, forms.ChoiceField)
        account_field.choices = [
            ("", "All companies"),
            (SIDE_OURS, "Our company"),
            *[(str(a.pk), a.name) for a in accounts.account_choices(membership=membership)],
        ]


class ContactForm(forms.Form):
    """Create or edit a contact; no account means a person of our own company."""

    account = forms.ModelChoiceField(
        queryset=CustomerAccount.objects.none(),
        required=False,
        empty_label="Our company",
        help_text="Leave on 'Our company' for our own people.",
    )
    full_name = model_field(Contact, "full_name")
    title = model_field(Contact, "title")
    function = model_field(Contact, "function")
    geography = model_field(Contact, "geography")
    email = model_field(Contact, "email")
    phone = model_field(Contact, "phone")
    membership = MemberChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        label="Login",
        empty_label="No login",
        help_text="Link the person's login in this workspace, if they have one.",
    )
    internal_notes = model_field(Contact, "internal_notes", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, membership: Membership, contact: Contact | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        set_queryset(self, "account", accounts.account_choices(membership=membership))
        set_queryset(self, "membership", accounts.unlinked_logins(contact=contact))


class ContactActivityForm(forms.Form):
    """Log a call, meeting, e-mail or visit with a contact (what happened, not what is planned)."""

    occurred_on = forms.DateField(label="When", initial=timezone.localdate, widget=DateInput())
    channel = forms.ChoiceField(choices=ActivityChannel.choices, initial=ActivityChannel.CALL)
    summary = model_field(ContactActivity, "summary", widget=forms.Textarea(attrs={"rows": 3}))

    def clean_occurred_on(self) -> Any:
        occurred_on = self.cleaned_data["occurred_on"]
        if occurred_on > timezone.localdate():
            raise ValidationError("Log what already happened; plan future contact as a meeting.")
        return occurred_on

    def clean_summary(self) -> str:
        summary = self.cleaned_data["summary"].strip()
        if not summary:
            raise ValidationError("Say what was discussed.")
        return str(summary)
