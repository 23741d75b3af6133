"""Reads about users, tenants and memberships."""

from __future__ import annotations

from django.http import Http404

from core import tenancy
from core.models import Membership, User


def resolve_membership(*, user: User, tenant_slug: str) -> Membership:
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


def memberships_for_user(*, user: User) -> list[Membership]:
    """Every tenant the user belongs to (for the switcher and ``GET /api/v1/tenants/``).

    Crosses tenants on purpose, through the escape hatch; RLS still limits the rows to the ones
    that carry this user's id (the Membership policy's user clause).
    """
    from partnering.models import CustomerAccount

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
                membership.customer_account = CustomerAccount.objects.get(pk=membership.customer_account_id)
    return memberships


def home_summary(*, membership: Membership) -> dict[str, object]:
    """What the tenant home shows: counts the member may see and their next actions.

    Next actions: the member's open action items (soonest first, overdue flagged), then setup
    steps for the program office. Later apps add theirs (tollgate reviews, ratings due). Three
    queries, whatever the size of the tenant.
    """
    from django.urls import reverse
    from django.utils import timezone

    from core.permissions import can
    from partnering.models import CustomerAccount
    from partnering.selectors import my_actions

    def admin_url(name: str) -> str:  # through the program-office entry, so the admin opens this tenant
        entry = reverse("program-office", kwargs={"tenant_slug": membership.tenant.slug})
        return f"{entry}?next={reverse(name)}"

    accounts = CustomerAccount.objects.all().visible_to(membership)
    account_count = accounts.count()
    member_count = Membership.objects.visible_to(membership).count()
    next_actions: list[dict[str, str]] = []
    today = timezone.localdate()
    for action in my_actions(membership=membership)[:5]:
        overdue = action.due_on < today
        next_actions.append(
            {
                "title": action.title,
                "detail": f"{'Overdue since' if overdue else 'Due'} {action.due_on:%d %b %Y} · {action.relationship}",
                "url": reverse(
                    "partnering:action-edit", kwargs={"tenant_slug": membership.tenant.slug, "pk": action.pk}
                )
                if membership.is_internal
                else reverse(
                    "partnering:relationship-detail",
                    kwargs={"tenant_slug": membership.tenant.slug, "pk": action.relationship_id},
                ),
                "overdue": "yes" if overdue else "",
            }
        )
    if can(membership, "admin.access"):
        if account_count == 0:
            next_actions.append(
                {
                    "title": "Add your first customer account",
                    "detail": "Projects, relationships and scorecards all hang off a customer account.",
                    "url": admin_url("admin:partnering_customeraccount_add"),
                }
            )
        if member_count < 2:
            next_actions.append(
                {
                    "title": "Invite your team",
                    "detail": "Add reps, coaches, champions and executives so they can sign in.",
                    "url": admin_url("admin:core_membership_add"),
                }
            )
    return {
        "account_count": account_count,
        "member_count": member_count,
        "next_actions": next_actions,
    }
