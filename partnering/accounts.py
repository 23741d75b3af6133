"""Accounts: customer accounts, the contact Rolodex and each contact's activity log; the home
page's "At a glance" card and the "add your first account" step of "Your next actions".

Services (writes) are atomic, check the role, run the area's rules and ``full_clean()``; bad
input raises ``ValidationError`` with field messages (pages: form errors, API: 400), nothing is
written then. Selectors (reads) take the membership and apply the customer-account scope here,
once: customer participants see their own account only, and never the Rolodex (internal).

The account-scope rules for people and contacts (``check_person_of_account``,
``check_contact_of_account``) and ``side_of`` are shared by every area of the app.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.members import member_count, program_office_url
from core.models import Membership
from core.parsing import parse_uuid
from core.permissions import can
from core.service_helpers import (
    apply_fields,
    check_same_tenant,
    delete_unless_referenced,
    model_update,
    require,
    save_validated,
)
from core.tenancy import current_tenant_id
from partnering.models import (
    OPEN_ACTION_STATUSES,
    ActionItem,
    ActivityChannel,
    Contact,
    ContactActivity,
    CustomerAccount,
    Relationship,
    Side,
)

# --- Rules every area shares ------------------------------------------------------------------


def side_of(membership: Membership) -> Side:
    """The firm a person speaks for: the customer's participants, or our company."""
    return Side.CUSTOMER if membership.is_customer else Side.SUPPLIER


def check_person_of_account(person: Membership | None, account_id: Any, field: str) -> None:
    """A person named on a relationship's row must be of this tenant and, if a customer participant,
    of the relationship's account."""
    if person is None:
        return
    if person.tenant_id != current_tenant_id():
        raise ValidationError({field: "That person is not part of this workspace."})
    if person.is_customer and person.customer_account_id != account_id:
        raise ValidationError({field: "That customer participant belongs to another customer account."})


def check_contact_of_account(contact: Contact, account_id: Any, field: str = "contact") -> None:
    """A contact on a relationship's row is of this tenant and of our company or of that account."""
    check_same_tenant(contact, field)
    if contact.account_id is not None and contact.account_id != account_id:
        raise ValidationError({field: "That contact belongs to another customer account."})


# --- Accounts: writes -------------------------------------------------------------------------

#: What an account's editors may set (pages, API and admin alike).
ACCOUNT_FIELDS = ("name", "industry", "region", "owner", "description", "internal_notes")


def account_rules(account: CustomerAccount) -> None:
    """The account owner is someone of our company, in this workspace."""
    owner = account.owner
    check_same_tenant(owner, "owner")
    if owner is not None and owner.is_customer:
        raise ValidationError({"owner": "The account owner must be someone of our company."})


@transaction.atomic
def account_create(*, actor: Membership, name: str, **fields: Any) -> CustomerAccount:
    require(actor, "accounts.manage")
    account = CustomerAccount(name=name)
    apply_fields(account, fields, ACCOUNT_FIELDS)
    account_rules(account)
    return save_validated(account)


@transaction.atomic
def account_update(*, actor: Membership, account: CustomerAccount, **fields: Any) -> CustomerAccount:
    require(actor, "accounts.manage")
    return model_update(instance=account, data=fields, allowed=ACCOUNT_FIELDS, prepare=account_rules)[0]


@transaction.atomic
def account_delete(*, actor: Membership, account: CustomerAccount) -> None:
    require(actor, "accounts.manage")
    delete_unless_referenced(account, "account")


# --- Accounts: reads --------------------------------------------------------------------------

ACCOUNT_ORDERINGS = {
    "name": "name",
    "-name": "-name",
    "industry": "industry",
    "-industry": "-industry",
    "region": "region",
    "-region": "-region",
    "contacts": "contact_count",
    "-contacts": "-contact_count",
    "updated": "updated_at",
    "-updated": "-updated_at",
}


def accounts_for(*, membership: Membership) -> QuerySet[CustomerAccount]:
    """The accounts the member may see (a customer participant: their own)."""
    rows: QuerySet[CustomerAccount] = CustomerAccount.objects.visible_to(membership)
    return rows


def account_choices(*, membership: Membership) -> QuerySet[CustomerAccount]:
    """Accounts to pick from in a form or a filter (id and name only)."""
    return accounts_for(membership=membership).only("id", "name")


def _count_of(queryset: QuerySet[Any], group_by: str) -> Any:
    """``COUNT(*)`` of a correlated queryset as an annotation (0 when there are no rows)."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def accounts_with_counts(*, membership: Membership) -> QuerySet[CustomerAccount]:
    """Accounts with their contact, relationship and overdue-action counts: one query per page.

    The counts are correlated subqueries, not joins: joining contacts × relationships × actions
    multiplies the rows per account (20 × 10 = 200 at bench scale) and made the list ~1 s at 500
    accounts; subqueries are computed only for the page's rows (~15 ms).
    """
    overdue = ActionItem.objects.filter(
        relationship__account=OuterRef("pk"), status__in=OPEN_ACTION_STATUSES, due_on__lt=timezone.localdate()
    ).filter(ActionItem.visible_filter(membership))
    return (
        accounts_for(membership=membership)
        .select_related("owner__user")
        .annotate(
            contact_count=_count_of(Contact.objects.filter(account=OuterRef("pk")), "account"),
            relationship_count=_count_of(Relationship.objects.filter(account=OuterRef("pk")), "account"),
            overdue_count=_count_of(overdue, "relationship__account"),
        )
    )


def account_list(
    *,
    membership: Membership,
    search: str = "",
    industry: str = "",
    region: str = "",
    owner: str = "",
    ordering: str = "name",
) -> QuerySet[CustomerAccount]:
    """The account list's rows: ``accounts_with_counts`` searched, filtered and sorted."""
    queryset = accounts_with_counts(membership=membership)
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(description__icontains=search))
    if industry:
        queryset = queryset.filter(industry=industry)
    if region:
        queryset = queryset.filter(region=region)
    owner_id = parse_uuid(owner)
    if owner_id is not None:
        queryset = queryset.filter(owner_id=owner_id)
    return queryset.order_by(ACCOUNT_ORDERINGS.get(ordering, "name"), "pk")


def account_filter_choices(*, membership: Membership) -> dict[str, list[str]]:
    """Distinct industries and regions for the list's filters, in one query."""
    rows = list(accounts_for(membership=membership).values_list("industry", "region").order_by().distinct())
    return {
        "industries": sorted({industry for industry, _ in rows if industry}),
        "regions": sorted({region for _, region in rows if region}),
    }


def account_name_taken(name: str, *, account: CustomerAccount | None = None) -> bool:
    """Another account of this workspace has this name (case-insensitive)."""
    duplicates = CustomerAccount.objects.filter(name__iexact=name)
    if account is not None:
        duplicates = duplicates.exclude(pk=account.pk)
    return bool(duplicates.exists())


def account_count(membership: Membership) -> int:
    """Customer accounts the member may see; counted once per request (cached on the membership)."""
    cached: int | None = getattr(membership, "_account_count", None)
    if cached is None:
        cached = accounts_for(membership=membership).count()
        membership._account_count = cached  # type: ignore[attr-defined]
    return cached


# --- Contacts: writes -------------------------------------------------------------------------

#: What a contact's editors may set.
CONTACT_FIELDS = (
    "account",
    "full_name",
    "title",
    "function",
    "geography",
    "email",
    "phone",
    "membership",
    "internal_notes",
)


def contact_rules(contact: Contact) -> None:
    """A contact's account and login are of this workspace, and the login is the same person's side."""
    check_same_tenant(contact.account, "account")
    login = contact.membership
    check_same_tenant(login, "membership")
    if login is not None and login.is_customer and login.customer_account_id != contact.account_id:
        raise ValidationError({"membership": "That login belongs to a person of another customer account."})
    if login is not None and login.is_internal and contact.account_id is not None:
        raise ValidationError({"membership": "A login of our company cannot be linked to a customer's contact."})


@transaction.atomic
def contact_create(*, actor: Membership, full_name: str, **fields: Any) -> Contact:
    require(actor, "contacts.manage")
    contact = Contact(full_name=full_name)
    apply_fields(contact, fields, CONTACT_FIELDS)
    contact_rules(contact)
    return save_validated(contact)


@transaction.atomic
def contact_update(*, actor: Membership, contact: Contact, **fields: Any) -> Contact:
    require(actor, "contacts.manage")
    return model_update(instance=contact, data=fields, allowed=CONTACT_FIELDS, prepare=contact_rules)[0]


@transaction.atomic
def contact_delete(*, actor: Membership, contact: Contact) -> None:
    require(actor, "contacts.manage")
    delete_unless_referenced(contact, "contact")


#: What may be corrected on a logged activity (its contact and author stay).
ACTIVITY_FIELDS = ("occurred_on", "channel", "summary")


@transaction.atomic
def contact_activity_add(
    *,
    actor: Membership,
    contact: Contact,
    summary: str,
    channel: str = ActivityChannel.CALL,
    occurred_on: dt.date | None = None,
) -> ContactActivity:
    """Log who talked to the contact (the actor), when and about what."""
    require(actor, "contacts.log_activity")
    check_same_tenant(contact, "contact")
    activity = ContactActivity(
        contact=contact, author=actor, summary=summary, channel=channel, occurred_on=occurred_on or timezone.localdate()
    )
    return save_validated(activity)


@transaction.atomic
def contact_activity_update(*, actor: Membership, activity: ContactActivity, **fields: Any) -> ContactActivity:
    require(actor, "contacts.log_activity")
    return model_update(instance=activity, data=fields, allowed=ACTIVITY_FIELDS)[0]


# --- Contacts: reads --------------------------------------------------------------------------

#: The Rolodex filter value for "people of our own company".
SIDE_OURS = "ours"


def contacts_for(*, membership: Membership) -> QuerySet[Contact]:
    rows: QuerySet[Contact] = Contact.objects.visible_to(membership).select_related("account", "membership__user")
    return rows


def contact_list(*, membership: Membership, search: str = "", account: str = "") -> QuerySet[Contact]:
    """The Rolodex: free text over names, titles, functions, places, e-mails and companies; one
    account's people, or ours (``SIDE_OURS``)."""
    queryset = contacts_for(membership=membership)
    if search:
        queryset = queryset.filter(
            Q(full_name__icontains=search)
            | Q(title__icontains=search)
            | Q(function__icontains=search)
            | Q(geography__icontains=search)
            | Q(email__icontains=search)
            | Q(account__name__icontains=search)
        )
    if account == SIDE_OURS:
        queryset = queryset.filter(account__isnull=True)
    elif (account_id := parse_uuid(account)) is not None:
        queryset = queryset.filter(account_id=account_id)
    return queryset.order_by("full_name", "pk")


def contact_activities(*, membership: Membership, contact: Contact) -> QuerySet[ContactActivity]:
    """The contact's activity log, newest first."""
    rows: QuerySet[ContactActivity] = (
        ContactActivity.objects.visible_to(membership)
        .filter(contact=contact)
        .select_related("author__user")
        .order_by("-occurred_on", "-created_at", "pk")
    )
    return rows


def relationship_contacts(*, membership: Membership, account_id: Any) -> QuerySet[Contact]:
    """Who can take part in a relationship's work: people of our company and of its account
    (the customer's first, then ours; by name)."""
    rows: QuerySet[Contact] = (
        Contact.objects.visible_to(membership)
        .filter(Q(account__isnull=True) | Q(account_id=account_id))
        .select_related("account")
        .order_by("account__name", "full_name")
    )
    return rows


def unlinked_logins(*, contact: Contact | None = None) -> QuerySet[Membership]:
    """Logins a contact may be linked to: those of no other contact (and the contact's own)."""
    free = Q(contact__isnull=True)
    if contact is not None and contact.membership_id is not None:
        free |= Q(pk=contact.membership_id)
    rows: QuerySet[Membership] = (
        Membership.objects.select_related("user", "customer_account")
        .filter(free)
        .order_by("user__full_name", "user__email")
    )
    return rows


# --- Home page ----------------------------------------------------------------------------------


def at_a_glance_context(membership: Membership) -> dict[str, Any]:
    """The "At a glance" card: the customer accounts and people the member may see."""
    return {"account_count": account_count(membership), "member_count": member_count(membership)}


def next_action_first_account(membership: Membership) -> list[dict[str, str]]:
    """A set-up step for the program office of a workspace without customer accounts."""
    if not can(membership, "admin.access") or account_count(membership) != 0:
        return []
    return [
        {
            "title": "Add your first customer account",
            "detail": "Projects, relationships and scorecards all hang off a customer account.",
            "url": program_office_url(membership, "admin:partnering_customeraccount_add"),
        }
    ]
