"""Small helpers every app's services share: the permission check, validated saves, field updates.

Services stay the only writers (HackSoft style); these keep each of them short and uniform.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError

from core.models import Membership
from core.permissions import can
from core.tenancy import current_tenant_id

M = TypeVar("M", bound=models.Model)


def require(actor: Membership, action: str) -> None:
    """Raise ``PermissionDenied`` unless the actor's role allows ``action`` (core.permissions)."""
    if not can(actor, action):
        raise PermissionDenied("Your role does not allow this.")


def save_validated(obj: M) -> M:
    """``full_clean()`` then ``save()``; the tenant is set first so (tenant, …) constraints validate."""
    if getattr(obj, "tenant_id", False) is None:
        obj.tenant_id = current_tenant_id()  # type: ignore[attr-defined]
    obj.full_clean()
    obj.save()
    return obj


def apply_fields(obj: models.Model, fields: dict[str, Any], allowed: Iterable[str]) -> None:
    """Set ``fields`` on ``obj``; a name outside ``allowed`` is a field error, not a silent drop."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in sorted(unknown)})
    for name, value in fields.items():
        setattr(obj, name, value)


def model_update(
    *,
    instance: M,
    data: dict[str, Any],
    allowed: Iterable[str],
    prepare: Callable[[M], None] | None = None,
) -> tuple[M, list[str]]:
    """Update ``instance`` from ``data`` (names in ``allowed`` only), validate, save what changed.

    ``prepare(instance)`` runs after the new values are set: the service's normalisation and
    cross-row rules (it may set further fields, or raise ``ValidationError``). Then ``full_clean()``
    and ``save(update_fields=…)`` with just the changed fields (plus ``auto_now`` ones). Returns the
    instance and the names of the fields that changed.

    On a ``ValidationError`` every field is put back as it was before the call, so the caller's
    object (and the page that shows it again) holds what is saved, never the refused values.
    """
    fields = [f for f in instance._meta.concrete_fields if not f.primary_key]
    before = {f.attname: getattr(instance, f.attname) for f in fields}
    try:
        apply_fields(instance, data, allowed)
        if prepare is not None:
            prepare(instance)
        changed = [f.name for f in fields if getattr(instance, f.attname) != before[f.attname]]
        instance.full_clean()
    except ValidationError:
        for attname, value in before.items():
            setattr(instance, attname, value)
        raise
    if changed:
        auto_now = [f.name for f in fields if getattr(f, "auto_now", False) and f.name not in changed]
        instance.save(update_fields=[*changed, *auto_now])
    return instance, changed


def delete_unless_referenced(obj: Any, what: str) -> None:
    """Delete a row; a row still referenced elsewhere (PROTECT) is a 400, never a 500."""
    try:
        with transaction.atomic():
            obj.delete()
    except ProtectedError:
        raise ValidationError(
            {"non_field_errors": f"This {what} is still referenced (e.g. by a participant's login) and stays."}
        ) from None


def check_same_tenant(obj: Any, field: str) -> None:
    """An object handed in (often from an id in a request body) must belong to the active tenant."""
    if obj is not None and obj.tenant_id != current_tenant_id():
        raise ValidationError({field: "Not found in this workspace."})
