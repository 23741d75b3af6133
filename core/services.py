"""Writes about users, tenants, memberships and API tokens."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core import tenancy
from core.models import ApiToken, Membership, Role, Tenant, User, hash_token
from partnering.models import CustomerAccount


@transaction.atomic
def tenant_create(*, name: str, slug: str) -> Tenant:
    tenant = Tenant(name=name, slug=slug)
    tenant.full_clean()
    tenant.save()
    return tenant


@transaction.atomic
def membership_create(
    *, tenant: Tenant, user: User, role: str, customer_account: CustomerAccount | None = None
) -> Membership:
    """Give ``user`` a role in ``tenant``. Customers must name their account; others must not."""
    with tenancy.tenant_context(tenant):
        membership = Membership(tenant=tenant, user=user, role=Role(role), customer_account=customer_account)
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


__all__ = ["api_token_issue", "api_token_revoke", "hash_token", "membership_create", "tenant_create"]
