"""Small helpers every app's services share: the permission check, validated saves, field updates.

Services stay the only writers (HackSoft style); these keep each of them short and uniform.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from core.models import Membership
from core.permissions import can
from core.tenancy import current_tenant_id


def require(actor: Membership, action: str) -> None:
    """Raise ``PermissionDenied`` unless the actor's role allows ``action`` (core.permissions)."""
    if not can(actor, action):
        raise PermissionDenied("Your role does not allow this.")


def save_validated(obj: Any) -> Any:
    """``full_clean()`` then ``save()``; the tenant is set first so (tenant, …) constraints validate."""
    if obj.tenant_id is None:
        obj.tenant_id = current_tenant_id()
    obj.full_clean()
    obj.save()
    return obj


def apply_fields(obj: Any, fields: dict[str, Any], allowed: set[str] | frozenset[str]) -> None:
    """Set ``fields`` on ``obj``; a name outside ``allowed`` is a field error, not a silent drop."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in sorted(unknown)})
    for name, value in fields.items():
        setattr(obj, name, value)


def check_same_tenant(obj: Any, field: str) -> None:
    """An object handed in (often from an id in a request body) must belong to the active tenant."""
    if obj is not None and obj.tenant_id != current_tenant_id():
        raise ValidationError({field: "Not found in this workspace."})
