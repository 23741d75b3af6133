"""Reads of the solution-area taxonomy."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from knowledge.models import SolutionArea


def areas_tree(*, q: str = "", active: bool | None = None) -> QuerySet[SolutionArea]:
    """All areas ordered by path (a depth-first tree), with ``project_count`` and ``expert_count``."""
    queryset = SolutionArea.objects.annotate(
        project_count=Count("projects", distinct=True), expert_count=Count("experts", distinct=True)
    ).order_by("path")
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


def related_area_q(area: SolutionArea, prefix: str = "") -> Q:
    """Areas that are ``area`` itself, an ancestor or a descendant of it (by ``path`` prefix)."""
    separator = " › "
    ancestors = []
    parts = area.path.split(separator)
    for i in range(1, len(parts)):
        ancestors.append(separator.join(parts[:i]))
    return (
        Q(**{f"{prefix}path": area.path})
        | Q(**{f"{prefix}path__startswith": area.path + separator})
        | Q(**{f"{prefix}path__in": ancestors})
    )
