"""Filters and sorting of project lists (the list page, its CSV, the API list and the board).

``filter_projects(queryset, params, membership)`` reads the query string (any mapping with
``get``), applies what it understands and returns ``(queryset, active_filters)``. A bad value (a
malformed id, an unknown phase, an area of another tenant) is ignored and explained in
``active_filters.errors``; it never raises. The queryset must come from
``projects.selectors.projects_for`` (the flag filters use its SQL annotations).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from core.models import Membership
from knowledge.models import SolutionArea
from projects.models import PHASE_ORDER, BeltLevel, Phase, Project, WaitingKind

#: Query-string keys ``filter_projects`` understands (in the order the filter form shows them).
FILTER_KEYS = (
    "q",
    "customer",
    "lead",
    "coach",
    "solution_area",
    "belt",
    "phase",
    "stalled",
    "waiting",
    "long_running",
    "pilot",
)
TRUE_VALUES = {"1", "true", "yes", "on"}
AREA_SEPARATOR = " › "


class ActiveFilters(dict[str, str]):
    """The filters that were applied (key → cleaned value) plus ``errors``: what was ignored and why."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: list[str] = []

    @property
    def any(self) -> bool:
        return bool(self)


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return None


def _get(params: Mapping[str, Any], key: str) -> str:
    value = params.get(key)
    if value is None:
        return ""
    return str(value).replace("\x00", "").strip()[:200]  # PostgreSQL text cannot hold NUL


def filter_projects(
    queryset: QuerySet[Project], params: Mapping[str, Any], membership: Membership | None = None
) -> tuple[QuerySet[Project], ActiveFilters]:
    """Apply the list filters in ``params`` to ``queryset`` (see the module docstring)."""
    active = ActiveFilters()

    q = _get(params, "q")[:100]
    if q:
        queryset = queryset.filter(Q(title__icontains=q) | Q(problem_statement__icontains=q))
        active["q"] = q

    for key, field in (("customer", "customer_account_id"), ("lead", "lead_id"), ("coach", "coach_id")):
        raw = _get(params, key)
        if not raw:
            continue
        if key == "coach" and raw == "none":
            queryset = queryset.filter(coach__isnull=True)
            active[key] = raw
            continue
        value = _uuid(raw)
        if value is None:
            active.errors.append(f"The {key} filter was not understood and is ignored.")
            continue
        queryset = queryset.filter(**{field: value})
        active[key] = str(value)

    raw = _get(params, "solution_area")
    if raw:
        area_id = _uuid(raw)
        area = SolutionArea.objects.filter(pk=area_id).only("pk", "path").first() if area_id else None
        if area is None:
            active.errors.append("The solution area filter was not found and is ignored.")
        else:
            # The area itself and every area below it.
            queryset = queryset.filter(
                Q(solution_area_id=area.pk) | Q(solution_area__path__startswith=f"{area.path}{AREA_SEPARATOR}")
            )
            active["solution_area"] = str(area.pk)

    for key, choices, field in (("belt", BeltLevel.values, "belt_level"), ("phase", Phase.values, "phase")):
        raw = _get(params, key)
        if not raw:
            continue
        if raw not in choices:
            active.errors.append(f"Unknown {key} “{raw}” is ignored.")
            continue
        queryset = queryset.filter(**{field: raw})
        active[key] = raw

    for key, annotation in (("stalled", "is_stalled"), ("long_running", "is_long_running")):
        raw = _get(params, key).lower()
        if raw in TRUE_VALUES:
            queryset = queryset.filter(**{annotation: True})
            active[key] = "1"
        elif raw and raw not in ("0", "false", "no", "off"):
            active.errors.append(f"The {key.replace('_', '-')} filter takes 1 or 0; “{raw}” is ignored.")

    raw = _get(params, "pilot").lower()
    if raw in TRUE_VALUES:
        queryset = queryset.filter(is_pilot=True)
        active["pilot"] = "1"
    elif raw and raw not in ("0", "false", "no", "off"):
        active.errors.append(f"The pilot filter takes 1 or 0; “{raw}” is ignored.")

    raw = _get(params, "waiting")
    if raw:
        if raw.lower() in TRUE_VALUES:
            queryset = queryset.exclude(waiting_kind="")
            active["waiting"] = "1"
        elif raw in WaitingKind.values:
            queryset = queryset.filter(waiting_kind=raw)
            active["waiting"] = raw
        elif raw.lower() not in ("0", "false", "no", "off"):
            active.errors.append(f"Unknown waiting kind “{raw}” is ignored.")

    return queryset, active


# --- Sorting --------------------------------------------------------------------------------

#: sort key → (label, order_by expressions ascending)
SORTS: dict[str, str] = {
    "title": "Title",
    "customer": "Customer",
    "phase": "Phase",
    "days": "Days in phase",
    "activity": "Last activity",
    "score": "Selection score",
}
DEFAULT_SORT = "-activity"


def _phase_rank() -> Case:
    return Case(
        *[When(phase=phase, then=Value(index)) for index, phase in enumerate(PHASE_ORDER)],
        default=Value(len(PHASE_ORDER)),
        output_field=IntegerField(),
    )


def sort_projects(queryset: QuerySet[Project], sort: str | None) -> tuple[QuerySet[Project], str]:
    """Order by ``sort`` (a key of ``SORTS``, ``-`` for descending); unknown → most recent activity first."""
    sort = (sort or "").strip()
    key = sort.lstrip("-")
    if key not in SORTS:
        sort, key = DEFAULT_SORT, DEFAULT_SORT.lstrip("-")
    descending = sort.startswith("-")
    if key == "title":
        orders: list[Any] = [F("title").desc() if descending else F("title").asc()]
    elif key == "customer":
        field = F("customer_account__name")
        orders = [field.desc() if descending else field.asc(), F("title").asc()]
    elif key == "phase":
        rank = _phase_rank()
        orders = [rank.desc() if descending else rank.asc(), F("phase_entered_at").asc()]
    elif key == "days":
        # More days in phase = entered earlier.
        field = F("phase_entered_at")
        orders = [field.asc() if descending else field.desc()]
    elif key == "activity":
        field = F("last_activity_at")
        orders = [field.desc() if descending else field.asc()]
    else:  # score: unscored projects last either way
        field = F("selection_score")
        orders = [field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)]
    orders.append(F("pk").asc())
    return queryset.order_by(*orders), sort
