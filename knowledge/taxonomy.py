"""Taxonomy area of knowledge: the solution-area tree — reads (the tree, form choices, related
areas) and writes (create, rename/move with the whole subtree's paths following, retire, restore).

Areas are never deleted here: projects and coach expertise point at them, so an area is retired
(``is_active=False``) and stays on old rows while no longer being offered. The tree is internal
reference data: customer participants list none of it (``visible_to`` gives them no rows).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet

from core.models import Membership
from core.parsing import parse_uuid
from core.service_helpers import check_same_tenant, require
from core.tenancy import current_tenant_id
from knowledge.models import MAX_DEPTH, SolutionArea

# --- Reads ------------------------------------------------------------------------------------


def areas_for(membership: Membership) -> QuerySet[SolutionArea]:
    """The areas the member may list: the whole tree for our people, none for customers."""
    return SolutionArea.objects.all().visible_to(membership)


def area_get(*, membership: Membership, area_id: object) -> SolutionArea | None:
    """One area by a (possibly malformed) id from a request, or None."""
    parsed = parse_uuid(area_id)
    return areas_for(membership).filter(pk=parsed).first() if parsed else None


def areas_tree(*, membership: Membership, q: str = "", active: bool | None = None) -> QuerySet[SolutionArea]:
    """All areas ordered by path (a depth-first tree), with ``project_count`` and ``expert_count``;
    ``q`` searches names (the whole path) and descriptions, ``active`` keeps offered or retired ones."""
    queryset = (
        areas_for(membership)
        .annotate(project_count=Count("projects", distinct=True), expert_count=Count("experts", distinct=True))
        .order_by("path")
    )
    q = (q or "").replace("\x00", "").strip()  # PostgreSQL text cannot hold NUL
    if q:
        queryset = queryset.filter(Q(path__icontains=q) | Q(description__icontains=q))
    if active is not None:
        queryset = queryset.filter(is_active=active)
    return queryset


def area_choices(*, include: SolutionArea | None = None) -> QuerySet[SolutionArea]:
    """Areas offered in a form: the active ones (plus ``include``, e.g. a project's retired area)."""
    condition = Q(is_active=True)
    if include is not None:
        condition |= Q(pk=include.pk)
    return SolutionArea.objects.filter(condition).order_by("path")


def parent_choices(*, area: SolutionArea | None = None) -> QuerySet[SolutionArea]:
    """Where an area may go: active areas, never the area itself nor its own sub-areas (the service
    refuses those too), plus its current parent even when retired."""
    queryset = SolutionArea.objects.filter(is_active=True)
    if area is not None:
        queryset = queryset.exclude(pk=area.pk).exclude(path__startswith=area.path + " › ")
        if area.parent_id is not None:
            queryset = queryset | SolutionArea.objects.filter(pk=area.parent_id)
    return queryset.order_by("path")


# --- Writes -----------------------------------------------------------------------------------

UNIQUE_MESSAGE = "An area with this name already exists at this place in the tree."


def _save(area: SolutionArea) -> SolutionArea:
    if area.tenant_id is None:
        area.tenant_id = current_tenant_id()
    area.name = (area.name or "").strip()
    area.full_clean(exclude=["path"])  # clean() checks cycles and depth; path is computed below
    area.path, area.depth = area.compute_path()
    try:
        with transaction.atomic():
            area.save()
    except IntegrityError:
        raise ValidationError({"name": UNIQUE_MESSAGE}) from None
    return area


def _check_parent(parent: SolutionArea | None) -> None:
    check_same_tenant(parent, "parent")


@transaction.atomic
def area_create(
    *, actor: Membership, name: str, parent: SolutionArea | None = None, description: str = ""
) -> SolutionArea:
    require(actor, "taxonomy.manage")
    _check_parent(parent)
    return _save(SolutionArea(name=name, parent=parent, description=(description or "").strip()))


def _descendants(area: SolutionArea) -> list[SolutionArea]:
    """Every area under ``area`` (by parent links, so a stale path cannot mislead), top-down."""
    result: list[SolutionArea] = []
    frontier = [area.pk]
    while frontier:
        children = list(SolutionArea.objects.filter(parent_id__in=frontier).order_by("depth", "name"))
        result.extend(children)
        frontier = [c.pk for c in children]
    return result


def _repath(area: SolutionArea, descendants: list[SolutionArea]) -> None:
    by_pk = {area.pk: area}
    for child in descendants:
        child.parent = by_pk[child.parent_id]  # type: ignore[index]
        child.path, child.depth = child.compute_path()
        by_pk[child.pk] = child
    SolutionArea.objects.bulk_update(descendants, ["path", "depth"])


def subtree_repath(area: SolutionArea) -> None:
    """Recompute ``path``/``depth`` of every area under ``area`` (after a rename or move)."""
    _repath(area, _descendants(area))


_UNSET: Any = object()


@transaction.atomic
def area_update(
    *,
    actor: Membership,
    area: SolutionArea,
    name: str | None = None,
    parent: SolutionArea | None = _UNSET,
    description: str | None = None,
    is_active: bool | None = None,
) -> SolutionArea:
    """Rename and/or move ``area``; the paths and depths of its whole subtree are recomputed."""
    require(actor, "taxonomy.manage")
    check_same_tenant(area, "area")
    if parent is not _UNSET:
        _check_parent(parent)
    fresh = SolutionArea.objects.select_for_update().get(pk=area.pk)
    if name is not None:
        fresh.name = name
    if parent is not _UNSET:
        fresh.parent = parent
    if description is not None:
        fresh.description = description.strip()
    if is_active is not None:
        fresh.is_active = is_active
    descendants = _descendants(fresh)
    if fresh.parent is not None and any(d.pk == fresh.parent_id for d in descendants):
        raise ValidationError({"parent": "An area cannot sit under itself or one of its own sub-areas."})
    subtree_height = max((d.depth for d in descendants), default=fresh.depth) - area.depth
    _save(fresh)
    if fresh.depth + subtree_height >= MAX_DEPTH:
        raise ValidationError({"parent": f"The tree is at most {MAX_DEPTH} levels deep."})
    _repath(fresh, descendants)
    for field in ("name", "parent_id", "description", "is_active", "path", "depth"):
        setattr(area, field, getattr(fresh, field))
    area.parent = fresh.parent
    return area


@transaction.atomic
def area_retire(*, actor: Membership, area: SolutionArea) -> SolutionArea:
    """Stop offering ``area`` (and its sub-areas); projects and expertise keep pointing at them."""
    require(actor, "taxonomy.manage")
    check_same_tenant(area, "area")
    ids = [area.pk, *(d.pk for d in _descendants(area))]
    SolutionArea.objects.filter(pk__in=ids).update(is_active=False)
    area.is_active = False
    return area


@transaction.atomic
def area_restore(*, actor: Membership, area: SolutionArea) -> SolutionArea:
    require(actor, "taxonomy.manage")
    check_same_tenant(area, "area")
    if area.parent is not None and not area.parent.is_active:
        raise ValidationError({"is_active": "Restore the parent area first."})
    SolutionArea.objects.filter(pk=area.pk).update(is_active=True)
    area.is_active = True
    return area
