"""The tenant context and the tenant-scoped base model.

Two scopes protect tenant-owned rows:

1. **Tenant** — every ``TenantScopedModel`` row belongs to one tenant. The default manager
   (``objects``) refuses to build a queryset without an active tenant context and always filters
   by it. PostgreSQL Row-Level Security enforces the same rule a second time in the database
   (policy on ``tenant_id = current_setting('app.tenant_id')``), so a forgotten filter returns no
   foreign rows either.
2. **Customer account** — a member with role *customer* sees only rows of their own account.
   Models declare the lookup path to their ``CustomerAccount`` in ``customer_account_field``;
   ``visible_to(membership)`` applies it. A model without such a path is internal-only: customer
   participants see none of its rows.

The one escape hatch is the ``dangerously_unscoped`` manager (grep for ``dangerously_``). It lifts
only the Python-level tenant filter; Row-Level Security still applies in the database.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.db import connections, models

if TYPE_CHECKING:
    from core.models import Membership, Tenant


class TenantContextMissing(RuntimeError):
    """A tenant-scoped query ran outside a tenant context: a bug, never a user error."""


@dataclass(frozen=True)
class TenantContext:
    """Who is acting, in which tenant. ``membership`` is None for server-side work (tasks)."""

    tenant: Tenant
    membership: Membership | None = None


_current: ContextVar[TenantContext | None] = ContextVar("partnering_tenant", default=None)

DB_ALIAS = "default"
TENANT_SETTING = "app.tenant_id"
USER_SETTING = "app.user_id"


def current_context() -> TenantContext | None:
    return _current.get()


def current_tenant_id() -> uuid.UUID:
    ctx = _current.get()
    if ctx is None:
        raise TenantContextMissing("No tenant context is active. Wrap the work in core.tenancy.tenant_context(...).")
    return ctx.tenant.pk


def current_tenant() -> Tenant:
    ctx = _current.get()
    if ctx is None:
        raise TenantContextMissing("No tenant context is active. Wrap the work in core.tenancy.tenant_context(...).")
    return ctx.tenant


def _set_db_context(tenant_id: str, user_id: str) -> None:
    conn = connections[DB_ALIAS]
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT set_config(%s, %s, false), set_config(%s, %s, false)",
            [TENANT_SETTING, tenant_id, USER_SETTING, user_id],
        )


def set_db_user(user_id: uuid.UUID | None) -> None:
    """Let the database show this user's own memberships in every tenant (tenant switcher)."""
    ctx = _current.get()
    _set_db_context(str(ctx.tenant.pk) if ctx else "", str(user_id) if user_id else "")


def activate(tenant: Tenant, membership: Membership | None = None, *, user_id: uuid.UUID | None = None) -> None:
    """Make ``tenant`` the active tenant for ORM filters and for Row-Level Security.

    ``user_id`` (or the membership's user) is also handed to the database so the Membership
    policy can show that user's own memberships.
    """
    _current.set(TenantContext(tenant=tenant, membership=membership))
    if user_id is None and membership is not None:
        user_id = membership.user_id
    _set_db_context(str(tenant.pk), str(user_id) if user_id else "")


def activate_slug(slug: str, *, user_id: uuid.UUID) -> Tenant | None:
    """Look the tenant up by slug and set it on the connection in one statement.

    ``set_config`` runs only for the matching row, so an unknown slug sets nothing. Saves one
    round trip on every tenant request compared with a lookup followed by ``activate``.
    """
    from core.models import Tenant

    rows = list(
        Tenant.objects.raw(
            "SELECT t.*, set_config(%s, t.id::text, false) AS _t, set_config(%s, %s, false) AS _u "
            "FROM core_tenant t WHERE t.slug = %s",
            [TENANT_SETTING, USER_SETTING, str(user_id), slug],
        )
    )
    if not rows:
        return None
    _current.set(TenantContext(tenant=rows[0], membership=None))
    return rows[0]


def bind_membership(membership: Membership) -> None:
    """Attach the member to the already active tenant (no database round trip)."""
    ctx = _current.get()
    if ctx is None or ctx.tenant.pk != membership.tenant_id:
        raise TenantContextMissing("bind_membership() needs the membership's tenant to be active.")
    _current.set(TenantContext(tenant=ctx.tenant, membership=membership))


def deactivate() -> None:
    """Forget the tenant: afterwards tenant-owned tables look empty to this connection."""
    _current.set(None)
    conn = connections[DB_ALIAS]
    if conn.connection is None:
        return  # never connected: nothing was set on a server session
    try:
        _set_db_context("", "")
    except Exception:
        # A broken connection cannot leak a tenant: close it so it is never reused.
        conn.close()


@contextlib.contextmanager
def tenant_context(tenant: Tenant, membership: Membership | None = None) -> Iterator[None]:
    """Run a block inside ``tenant``; restores the previous context (or none) afterwards."""
    previous = _current.get()
    activate(tenant, membership)
    try:
        yield
    finally:
        if previous is None:
            deactivate()
        else:
            activate(previous.tenant, previous.membership)


class TenantScopedQuerySet(models.QuerySet):
    """Querysets of tenant-owned rows; ``visible_to`` applies the customer-account scope."""

    def visible_to(self, membership: Membership) -> Self:
        if membership.tenant_id != current_tenant_id():
            return self.none()
        if not membership.is_customer:
            return self
        path = getattr(self.model, "customer_account_field", None)
        if path is None or membership.customer_account_id is None:
            return self.none()
        return self.filter(**{path: membership.customer_account_id})


class CurrentTenantId(models.Expression):
    """The active tenant's id, read when the SQL is compiled (not when the queryset is built).

    Querysets are often built at import time (form fields, admin choices) and evaluated later in a
    request; reading the context at compile time scopes them to the tenant of *that* request and
    refuses to run when there is none.
    """

    output_field = models.UUIDField()

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        return "%s", [current_tenant_id()]


class TenantScopedManager(models.Manager.from_queryset(TenantScopedQuerySet)):  # type: ignore[misc]
    """Default manager: filters by the active tenant; running a query without one raises."""

    def get_queryset(self) -> TenantScopedQuerySet:
        return super().get_queryset().filter(tenant_id=CurrentTenantId())


class DangerouslyUnscopedManager(models.Manager.from_queryset(TenantScopedQuerySet)):  # type: ignore[misc]
    """Escape hatch: no Python-level tenant filter. RLS still applies. Use with a comment why."""


class TenantScopedModel(models.Model):
    """Base of every tenant-owned table: UUID id, tenant foreign key, scoped default manager.

    ``tenant`` is set server-side from the active context on first save; a row can never be
    moved to another tenant.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey("core.Tenant", on_delete=models.CASCADE, related_name="+", editable=False)

    objects = TenantScopedManager()
    dangerously_unscoped = DangerouslyUnscopedManager()

    #: Lookup path from this model to its CustomerAccount id, or None if internal-only.
    customer_account_field: ClassVar[str | None] = None

    class Meta:
        abstract = True
        base_manager_name = "dangerously_unscoped"

    def save(self, *args: Any, **kwargs: Any) -> None:
        active = current_tenant_id()
        if self.tenant_id is None:
            self.tenant_id = active
        elif self.tenant_id != active:
            raise TenantContextMissing(f"Refusing to save a {type(self).__name__} of another tenant in this context.")
        super().save(*args, **kwargs)
