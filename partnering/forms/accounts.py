"""Forms for customer accounts and the contact Rolodex.

The forms only parse and offer choices scoped to the active tenant; the writes and the business
rules live in ``partnering.services``, whose ``ValidationError`` messages are copied onto the form
with ``add_service_errors`` so the page shows them next to the field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.models import Membership, Role
from partnering.models import ActivityChannel, Contact, ContactActivity, CustomerAccount


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on the form: per field where the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class MemberChoiceField(forms.ModelChoiceField):
    """A person of this workspace, labelled by name, role and (for customers) their account."""

    def label_from_instance(self, obj: Any) -> str:
        label = f"{obj.user.display_name} · {obj.get_role_display()}"
        if obj.customer_account_id is not None:
            label += f" · {obj.customer_account.name}"
        return label


def internal_members() -> QuerySet[Membership]:
    """People of our company in the active tenant (the queryset is tenant-filtered when it runs)."""
    return (
        Membership.objects.exclude(role=Role.CUSTOMER).select_related("user").order_by("user__full_name", "user__email")
    )


def customer_participants(account: CustomerAccount | None = None) -> QuerySet[Membership]:
    queryset = Membership.objects.filter(role=Role.CUSTOMER).select_related("user", "customer_account")
    if account is not None:
        queryset = queryset.filter(customer_account=account)
    return queryset.order_by("customer_account__name", "user__full_name", "user__email")


def set_queryset(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    """Scope a choice field to the active tenant's rows (the field is declared with ``none()``)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def _model_field(model: Any, name: str, **kwargs: Any) -> Any:
    """The model's own form field (max length, choices, help text) so forms and models agree."""
    return model._meta.get_field(name).formfield(**kwargs)


class AccountForm(forms.Form):
    """Create or edit a customer account; the owner must be someone of our company."""

    name = _model_field(CustomerAccount, "name")
    industry = _model_field(CustomerAccount, "industry")
    region = _model_field(CustomerAccount, "region")
    owner = MemberChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        empty_label="No owner yet",
        help_text="A rep of our company.",
    )
    description = _model_field(CustomerAccount, "description", widget=forms.Textarea(attrs={"rows": 4}))
    internal_notes = _model_field(CustomerAccount, "internal_notes", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, membership: Membership, account: CustomerAccount | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.account = account
        set_queryset(self, "owner", internal_members())

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        duplicates = CustomerAccount.objects.filter(name__iexact=name)
        if self.account is not None:
            duplicates = duplicates.exclude(pk=self.account.pk)
        if duplicates.exists():
            raise ValidationError("A customer account with this name already exists.")
        return name


SIDE_OURS = "ours"


class ContactFilterForm(forms.Form):
    """The Rolodex filters (GET): free text and one account or our own company."""

    q = forms.CharField(required=False, max_length=100, label="Search")
    account = forms.ChoiceField(required=False, label="Company")

    def __init__(self, *args: Any, accounts: list[CustomerAccount], **kwargs: Any):
        super().__init__(*args, **kwargs)
        account_field = self.fields["account"]
        assert isinstance(account_field, forms.ChoiceField)
        account_field.choices = [
            ("", "All companies"),
            (SIDE_OURS, "Our company"),
            *[(str(a.pk), a.name) for a in accounts],
        ]


class ContactForm(forms.Form):
    """Create or edit a contact; no account means a person of our own company."""

    account = forms.ModelChoiceField(
        queryset=CustomerAccount.objects.none(),
        required=False,
        empty_label="Our company",
        help_text="Leave on 'Our company' for our own people.",
    )
    full_name = _model_field(Contact, "full_name")
    title = _model_field(Contact, "title")
    function = _model_field(Contact, "function")
    geography = _model_field(Contact, "geography")
    email = _model_field(Contact, "email")
    phone = _model_field(Contact, "phone")
    membership = MemberChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        label="Login",
        empty_label="No login",
        help_text="Link the person's login in this workspace, if they have one.",
    )
    internal_notes = _model_field(Contact, "internal_notes", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, membership: Membership, contact: Contact | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        set_queryset(self, "account", CustomerAccount.objects.visible_to(membership).only("id", "name"))
        logins = Membership.objects.select_related("user", "customer_account").filter(contact__isnull=True)
        if contact is not None and contact.membership_id is not None:
            logins = Membership.objects.select_related("user", "customer_account").filter(
                Q(contact__isnull=True) | Q(pk=contact.membership_id)
            )
        set_queryset(self, "membership", logins.order_by("user__full_name", "user__email"))


class ContactActivityForm(forms.Form):
    """Log a call, meeting, e-mail or visit with a contact (what happened, not what is planned)."""

    occurred_on = forms.DateField(
        label="When", initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    channel = forms.ChoiceField(choices=ActivityChannel.choices, initial=ActivityChannel.CALL)
    summary = _model_field(ContactActivity, "summary", widget=forms.Textarea(attrs={"rows": 3}))

    def clean_occurred_on(self) -> Any:
        occurred_on = self.cleaned_data["occurred_on"]
        if occurred_on > timezone.localdate():
            raise ValidationError("Log what already happened; plan future contact as a meeting.")
        return occurred_on

    def clean_summary(self) -> str:
        summary = self.cleaned_data["summary"].strip()
        if not summary:
            raise ValidationError("Say what was discussed.")
        return summary
