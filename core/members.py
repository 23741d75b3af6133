"""Members area of core: users, tenants, memberships and API tokens — writes and reads.

Reads that cross tenants (the workspace switcher) go through the ``dangerously_unscoped`` manager
and are still limited by Row-Level Security to the caller's own rows. Everything else runs inside
the active tenant.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from core import tenancy
from core.models import ApiToken, Membership, Role, Tenant, User, hash_token
from core.parsing import parse_uuid
from core.permissions import can

# --- Reads ------------------------------------------------------------------------------------


def resolve_membership(*, user: Any, tenant_slug: str) -> Membership:
    """Activate the tenant for ``user`` or raise 404 (never 403: a tenant's existence stays private).

    The tenant context is activated *before* reading the membership, so the lookup itself runs
    under Row-Level Security. On failure the context is cleared again.
    """
    if not user.is_authenticated or not user.is_active:
        raise Http404("No such workspace.")
    tenant = tenancy.activate_slug(tenant_slug, user_id=user.pk)  # lookup + RLS context, one query
    if tenant is None:
        raise Http404("No such workspace.")
    membership = Membership.objects.select_related("user", "customer_account").filter(user_id=user.pk).first()
    if membership is None:
        tenancy.deactivate()
        raise Http404("No such workspace.")
    membership.tenant = tenant  # already loaded; saves a query on every page
    tenancy.bind_membership(membership)
    return membership


def memberships_for_user(*, user: Any) -> list[Membership]:
    """Every tenant the user belongs to (for the switcher and ``GET /api/v1/tenants/``).

    Crosses tenants on purpose, through the escape hatch; RLS still limits the rows to the ones
    that carry this user's id (the Membership policy's user clause).
    """
    tenancy.set_db_user(user.pk)
    memberships = list(
        Membership.dangerously_unscoped.filter(user_id=user.pk)  # the user's own rows only
        .select_related("tenant")
        .order_by("tenant__name")
    )
    # A customer's account is a tenant row: load it inside its own tenant (RLS). One query per
    # customer membership; a person rarely has more than one or two.
    for membership in memberships:
        if membership.customer_account_id is not None:
            with tenancy.tenant_context(membership.tenant):
                _ = membership.customer_account  # fetched (and cached) under this tenant's RLS
    return memberships


def member_by_id(pk: Any) -> Membership | None:
    """A member of this workspace by id (None for a malformed or foreign id); the services check the role."""
    member_id = parse_uuid(pk)
    return Membership.objects.filter(pk=member_id).first() if member_id else None


def internal_members() -> QuerySet[Membership]:
    """People of our company in the active tenant (the queryset is tenant-filtered when it runs)."""
    return (
        Membership.objects.exclude(role=Role.CUSTOMER).select_related("user").order_by("user__full_name", "user__email")
    )


def customer_participants(account: Model | None = None) -> QuerySet[Membership]:
    """Customer participants of the active tenant, of one account when given."""
    queryset = Membership.objects.filter(role=Role.CUSTOMER).select_related("user", "customer_account")
    if account is not None:
        queryset = queryset.filter(customer_account_id=account.pk)
    return queryset.order_by("customer_account__name", "user__full_name", "user__email")


# --- Writes -----------------------------------------------------------------------------------


@transaction.atomic
def tenant_create(*, name: str, slug: str) -> Tenant:
    tenant = Tenant(name=name, slug=slug)
    tenant.full_clean()
    tenant.save()
    return tenant


@transaction.atomic
def membership_create(*, tenant: Tenant, user: User, role: str, customer_account: Model | None = None) -> Membership:
    """Give ``user`` a role in ``tenant``. Customers must name their account; others must not."""
    with tenancy.tenant_context(tenant):
        # ``partnering.CustomerAccount`` (a higher app): typed as a plain model here, passed as the object.
        account: Any = customer_account
        membership = Membership(tenant=tenant, user=user, role=Role(role), customer_account=account)
        membership.full_clean()
        membership.save()
    return membership


@transaction.atomic
def member_add(
    *, tenant: Tenant, email: str, full_name: str = "", role: str, customer_account: Model | None = None
) -> tuple[Membership, bool]:
    """Add a person to the workspace by e-mail, creating their user when they are new.

    Returns the membership and whether the user is new (they set a password through "Forgot
    password"). The program-office admin and, later, invitations go through here.
    """
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=full_name)
    return membership_create(tenant=tenant, user=user, role=role, customer_account=customer_account), created


@transaction.atomic
def member_update(
    *, membership: Membership, role: str, customer_account: Model | None, full_name: str | None = None
) -> Membership:
    """Change a member's role (and account binding) and, optionally, the person's name."""
    if full_name:
        membership.user.full_name = full_name
        membership.user.save(update_fields=["full_name"])
    membership.role = Role(role)
    membership.customer_account_id = customer_account.pk if customer_account is not None else None
    membership.full_clean()
    membership.save()
    return membership


def api_token_issue(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a token; returns the row and the raw token, which is never stored or shown again."""
    return ApiToken.issue(user=user, name=name)


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


__all__ = [
    "api_token_issue",
    "api_token_revoke",
    "customer_participants",
    "hash_token",
    "internal_members",
    "member_add",
    "member_update",
    "membership_create",
    "memberships_for_user",
    "resolve_membership",
    "tenant_create",
]


# --- Home -------------------------------------------------------------------------------------


def member_count(membership: Membership) -> int:
    """People the member may see in the workspace; counted once per request (cached on the membership)."""
    cached: int | None = getattr(membership, "_member_count", None)
    if cached is None:
        cached = Membership.objects.visible_to(membership).count()
        membership._member_count = cached  # type: ignore[attr-defined]
    return cached


def next_action_invite_team(membership: Membership) -> list[dict[str, str]]:
    """A set-up step for the program office of a workspace with (almost) nobody in it yet."""
    if not can(membership, "admin.access") or member_count(membership) >= 2:
        return []
    return [
        {
            "title": "Invite your team",
            "detail": "Add reps, coaches, champions and executives so they can sign in.",
            "url": program_office_url(membership, "admin:core_membership_add"),
        }
    ]


def program_office_url(membership: Membership, admin_url_name: str) -> str:
    """An admin page opened through the program-office entry, so the admin works on this tenant."""
    entry = reverse("program-office", kwargs={"tenant_slug": membership.tenant.slug})
    return f"{entry}?next={reverse(admin_url_name)}"
