"""Pages: customer accounts and the contact Rolodex (see partnering/urls.py).

Reads go through the selectors of ``partnering.accounts`` (already scoped to the member), writes
through its services. A service's ``ValidationError`` becomes a form error (status 200, nothing
saved); its ``PermissionDenied`` becomes a 403. Customer participants see their own account only,
never ``internal_notes`` and never the Rolodex (contacts are internal).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.generic import TemplateView, View

from core.exports import csv_response
from core.forms.base import apply_service_errors
from core.members import internal_members
from core.parsing import parse_uuid, query_value
from core.permissions import can
from core.registry import ACCOUNT_CARDS
from core.views.base import ObjectMixin, ServiceFormView, TenantScopedViewMixin, paginate, sortable_columns
from partnering import accounts, relationships
from partnering.forms.accounts import AccountForm, ContactActivityForm, ContactFilterForm, ContactForm
from partnering.models import Contact, CustomerAccount

# --- Accounts ---------------------------------------------------------------------------------

SORTABLE_COLUMNS = [
    ("name", "Account"),
    ("industry", "Industry"),
    ("region", "Region"),
    (None, "Owner"),
    ("contacts", "Contacts"),
    (None, "Relationships"),
    (None, "Overdue actions"),
]


def account_filters(request: HttpRequest) -> dict[str, str]:
    """The list's filters from the query string, cleaned (unknown sort → name, bad owner id → none)."""
    get = request.GET
    sort = query_value(get, "sort") or "name"
    owner = parse_uuid(get.get("owner"))
    return {
        "search": query_value(get, "q")[:100],
        "industry": query_value(get, "industry"),
        "region": query_value(get, "region"),
        "owner": str(owner) if owner else "",
        "ordering": sort if sort in accounts.ACCOUNT_ORDERINGS else "name",
    }


class AccountListView(TenantScopedViewMixin, TemplateView):
    """Accounts with search, filters, sortable columns, counts and CSV export; 25 a page."""

    model = CustomerAccount
    required_action = "accounts.view"
    template_name = "partnering/accounts/list.html"

    def safely_get_queryset(self, _queryset: QuerySet[Any]) -> QuerySet[Any]:
        # The selector starts from the same ``visible_to(membership)`` scope and adds the counts.
        return accounts.account_list(membership=self.member, **account_filters(self.request))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        membership = self.member
        filters = account_filters(self.request)
        page = paginate(self.request, self.get_queryset())
        # The Rolodex is internal: customers do not see how many contacts we keep.
        shown = [c for c in SORTABLE_COLUMNS if membership.is_internal or c[0] != "contacts"]
        columns = sortable_columns(shown, filters["ordering"])
        filtered = any(filters[name] for name in ("search", "industry", "region", "owner"))
        context.update(
            page=page,
            accounts=page.object_list,
            columns=columns,
            filters=filters,
            filtered=filtered,
            choices=accounts.account_filter_choices(membership=membership) if membership.is_internal else {},
            owners=list(internal_members()) if membership.is_internal else [],
            can_manage=can(membership, "accounts.manage"),
        )
        return context


EXPORT_HEADER = [
    "Account",
    "Industry",
    "Region",
    "Owner",
    "Owner e-mail",
    "Description",
    "Contacts",
    "Relationships",
    "Overdue actions",
    "Updated",
]


class AccountExportView(TenantScopedViewMixin, View):
    """The filtered, sorted account list as CSV. Never includes internal notes, for anyone."""

    model = CustomerAccount
    required_action = "accounts.view"

    def safely_get_queryset(self, _queryset: QuerySet[Any]) -> QuerySet[Any]:
        return accounts.account_list(membership=self.member, **account_filters(self.request))

    def get(self, _request: HttpRequest, tenant_slug: str) -> HttpResponse:
        internal = self.member.is_internal
        header = EXPORT_HEADER if internal else [h for h in EXPORT_HEADER if h != "Contacts"]
        return csv_response(f"{tenant_slug}-accounts.csv", header, self.rows(internal))

    def rows(self, internal: bool) -> Iterator[list[Any]]:
        for account in self.get_queryset():
            owner = account.owner
            row = [
                account.name,
                account.industry,
                account.region,
                owner.user.display_name if owner else "",
                owner.user.email if owner else "",
                account.description,
                account.contact_count,
                account.relationship_count,
                account.overdue_count,
                account.updated_at.date().isoformat(),
            ]
            if not internal:
                del row[EXPORT_HEADER.index("Contacts")]
            yield row


class AccountDetailView(TenantScopedViewMixin, ObjectMixin, TemplateView):
    """One account: details, its contacts (internal members only) and its relationships."""

    model = CustomerAccount
    required_action = "accounts.view"
    template_name = "partnering/accounts/detail.html"
    contact_limit = 50

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("owner__user")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        membership = self.member
        account = self.object
        contacts: list[Contact] = []
        if can(membership, "contacts.view"):
            contacts = list(
                accounts.contacts_for(membership=membership).filter(account=account)[: self.contact_limit + 1]
            )
        context.update(
            account=account,
            contacts=contacts[: self.contact_limit],
            more_contacts=len(contacts) > self.contact_limit,
            relationships=list(relationships.relationship_list(membership=membership).filter(account=account)),
            show_internal=membership.is_internal,
            can_manage=can(membership, "accounts.manage"),
            can_view_contacts=can(membership, "contacts.view"),
            can_manage_contacts=can(membership, "contacts.manage"),
            can_manage_relationships=can(membership, "relationships.manage"),
        )
        cards = ACCOUNT_CARDS.fill(membership=membership, account=account)
        context.update(cards.context, account_cards=cards.templates)
        return context


class AccountCreateView(ServiceFormView):
    model = CustomerAccount
    required_action = "accounts.manage"
    form_class = AccountForm
    template_name = "partnering/accounts/form.html"
    success_message = "Account {obj} created."

    def perform(self, form: AccountForm) -> CustomerAccount:
        return accounts.account_create(actor=self.membership, **form.cleaned_data)

    def redirect_to(self, obj: CustomerAccount) -> str:
        return reverse("partnering:account-detail", kwargs={"tenant_slug": self.kwargs["tenant_slug"], "pk": obj.pk})


class AccountEditView(ObjectMixin, ServiceFormView):
    model = CustomerAccount
    required_action = "accounts.manage"
    form_class = AccountForm
    template_name = "partnering/accounts/form.html"
    success_message = "Account {obj} saved."

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["account"] = self.object
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        account = self.object
        return {name: getattr(account, name) for name in accounts.ACCOUNT_FIELDS}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(account=self.object, **kwargs)

    def perform(self, form: AccountForm) -> CustomerAccount:
        return accounts.account_update(actor=self.membership, account=self.object, **form.cleaned_data)

    def redirect_to(self, obj: CustomerAccount) -> str:
        return reverse("partnering:account-detail", kwargs={"tenant_slug": self.kwargs["tenant_slug"], "pk": obj.pk})


# --- Contacts (internal only) -----------------------------------------------------------------


class ContactListView(TenantScopedViewMixin, TemplateView):
    """The Rolodex: every contact of the tenant, searchable, filtered by company, 25 a page."""

    model = Contact
    required_action = "contacts.view"
    template_name = "partnering/accounts/contact_list.html"

    @cached_property
    def filter_form(self) -> ContactFilterForm:
        form = ContactFilterForm(self.request.GET or None, membership=self.member)
        form.is_valid()
        return form

    def safely_get_queryset(self, _queryset: QuerySet[Any]) -> QuerySet[Any]:
        data = self.filter_form.cleaned_data if self.filter_form.is_bound else {}
        search = (data.get("q") or "").strip()
        return accounts.contact_list(membership=self.member, search=search, account=data.get("account") or "")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = paginate(self.request, self.get_queryset())
        data = self.filter_form.cleaned_data if self.filter_form.is_bound else {}
        context.update(
            page=page,
            contacts=page.object_list,
            filter_form=self.filter_form,
            filtered=bool(data.get("q") or data.get("account")),
            can_manage=can(self.member, "contacts.manage"),
        )
        return context


class ContactDetailView(TenantScopedViewMixin, ObjectMixin, TemplateView):
    """A contact with their activity log (newest first) and a form to log a new activity."""

    model = Contact
    required_action = "contacts.view"
    template_name = "partnering/accounts/contact_detail.html"

    def safely_get_queryset(self, _queryset: QuerySet[Any]) -> QuerySet[Any]:
        return accounts.contacts_for(membership=self.member)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        membership = self.member
        contact = self.object
        context.setdefault("activity_form", ContactActivityForm())
        context.update(
            contact=contact,
            activities=list(accounts.contact_activities(membership=membership, contact=contact)),
            roster=relationships.roster_of_contact(membership=membership, contact=contact),
            can_manage=can(membership, "contacts.manage"),
            can_log=can(membership, "contacts.log_activity"),
        )
        return context


class ContactActivityAddView(ContactDetailView):
    """POST target of the inline 'log activity' form; a GET just goes back to the contact page."""

    required_action = "contacts.log_activity"

    def contact_url(self) -> str:
        return reverse(
            "partnering:contact-detail", kwargs={"tenant_slug": self.kwargs["tenant_slug"], "pk": self.object.pk}
        )

    def get(self, request: HttpRequest, *_args: Any, **_kwargs: Any) -> HttpResponse:
        return redirect(self.contact_url() + "#log-activity")

    def post(self, request: HttpRequest, *_args: Any, **_kwargs: Any) -> HttpResponse:
        contact = self.object
        form = ContactActivityForm(request.POST)
        if form.is_valid():
            try:
                accounts.contact_activity_add(actor=self.member, contact=contact, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"Activity with {contact} logged.")
                return redirect(self.contact_url() + "#activity")
        return self.render_to_response(self.get_context_data(activity_form=form))


class ContactCreateView(ServiceFormView):
    model = Contact
    required_action = "contacts.manage"
    form_class = ContactForm
    template_name = "partnering/accounts/contact_form.html"
    success_message = "Contact {obj} added."

    def get_initial(self) -> dict[str, Any]:
        account = parse_uuid(self.request.GET.get("account"))
        return {"account": account} if account else {}

    def perform(self, form: ContactForm) -> Contact:
        return accounts.contact_create(actor=self.membership, **form.cleaned_data)

    def redirect_to(self, obj: Contact) -> str:
        return reverse("partnering:contact-detail", kwargs={"tenant_slug": self.kwargs["tenant_slug"], "pk": obj.pk})


class ContactEditView(ObjectMixin, ServiceFormView):
    model = Contact
    required_action = "contacts.manage"
    form_class = ContactForm
    template_name = "partnering/accounts/contact_form.html"
    success_message = "Contact {obj} saved."

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["contact"] = self.object
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        contact = self.object
        return {name: getattr(contact, name) for name in accounts.CONTACT_FIELDS}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(contact=self.object, **kwargs)

    def perform(self, form: ContactForm) -> Contact:
        return accounts.contact_update(actor=self.membership, contact=self.object, **form.cleaned_data)

    def redirect_to(self, obj: Contact) -> str:
        return reverse("partnering:contact-detail", kwargs={"tenant_slug": self.kwargs["tenant_slug"], "pk": obj.pk})


urlpatterns = [
    path("accounts/", AccountListView.as_view(), name="account-list"),
    path("accounts/new/", AccountCreateView.as_view(), name="account-create"),
    path("accounts/export.csv", AccountExportView.as_view(), name="account-export"),
    path("accounts/<uuid:pk>/", AccountDetailView.as_view(), name="account-detail"),
    path("accounts/<uuid:pk>/edit/", AccountEditView.as_view(), name="account-edit"),
    path("contacts/", ContactListView.as_view(), name="contact-list"),
    path("contacts/new/", ContactCreateView.as_view(), name="contact-create"),
    path("contacts/<uuid:pk>/", ContactDetailView.as_view(), name="contact-detail"),
    path("contacts/<uuid:pk>/edit/", ContactEditView.as_view(), name="contact-edit"),
    path("contacts/<uuid:pk>/activities/new/", ContactActivityAddView.as_view(), name="contact-activity-add"),
]
