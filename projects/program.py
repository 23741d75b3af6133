"""Projects · program health (reads only): the figures executives and the program office watch.

Seed 000 and DOMAIN.md "Program health": project duration (and what shortens it), certified belts,
an early pilot won, customer buy-in at all levels. Projects may take over a year, so cycle times and
stalled work come first.

``program_health(membership, params)`` computes everything in SQL aggregates and costs a **fixed
number of queries** whatever the number of projects (seven at most: settings, the customer options,
one aggregate over projects (with correlated subqueries for waiting days and customer feedback),
phase visits grouped by phase, benefits grouped by currency, belts and coaches, the first pilot
won). Medians are PostgreSQL ``percentile_cont(0.5) WITHIN GROUP (ORDER BY …)``. Measured: about
110 ms for 5,000 projects with 15,000 phase visits (statistics analysed).

Filters (query parameters): ``customer`` (a customer account id) and ``belt`` (``green`` /
``black``). They narrow every project figure (counts, cycle times, throughput, benefits,
feedback, selection, pilot); certified belts and the coach pool are program-wide. A bad value is
ignored and explained in ``errors``; it never raises.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import (
    Aggregate,
    Avg,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from core import quarters
from core.models import Membership, Role
from core.parsing import parse_uuid, query_value
from projects.models import (
    DMAIC_PHASES,
    OPEN_PHASES,
    PHASE_ORDER,
    BeltLevel,
    Benefit,
    BenefitStatus,
    Certification,
    CustomerFeedback,
    Phase,
    PhaseVisit,
    Project,
    SelectionScore,
    WaitingPeriod,
)
from projects.projects import (
    coach_pool_q,
    customer_accounts,
    flag_thresholds,
    long_running_q,
    projects_scoped,
    stalled_q,
)

#: Quarters of the throughput chart (oldest first, ending with the current one).
THROUGHPUT_QUARTERS = 8
#: Phases with cycle times: the selection stay and the five DMAIC phases.
CYCLE_PHASES: list[str] = [Phase.CANDIDATE, *DMAIC_PHASES]


class Median(Aggregate):
    """``percentile_cont(0.5) WITHIN GROUP (ORDER BY expr)`` (PostgreSQL); NULL on no rows."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class DaysBetween(Func):
    """``later − earlier`` of two timestamps in days (a float)."""

    template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)"
    arg_joiner = " - "
    output_field = FloatField()


class DateDiff(Func):
    """``later − earlier`` of two dates in whole days (PostgreSQL ``date - date`` is an integer)."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()


def _round(value: Any, digits: int = 1) -> float | None:
    return None if value is None else round(float(value), digits)


def _share(part: int | float, whole: int | float) -> float | None:
    """``part / whole`` as a percentage with one decimal, None when there is no whole."""
    return round(100.0 * part / whole, 1) if whole else None


def customer_options(membership: Membership) -> list[tuple[str, str]]:
    """``(id, name)`` of the customer accounts the member may see (the filter's choices). One query."""
    rows = customer_accounts(membership).values_list("pk", "name")
    return [(str(pk), name) for pk, name in rows]


def clean_filters(params: Mapping[str, Any], options: list[tuple[str, str]]) -> tuple[dict[str, str], list[str]]:
    """``(active, errors)``: the understood filters (``customer`` id, ``belt``) and what was ignored."""
    active: dict[str, str] = {}
    errors: list[str] = []
    raw = query_value(params, "customer")
    if raw:
        parsed = parse_uuid(raw)
        account_id = str(parsed) if parsed else ""
        if account_id and account_id in dict(options):
            active["customer"] = account_id
        else:
            errors.append("The customer filter was not found and is ignored.")
    raw = query_value(params, "belt")
    if raw:
        if raw in BeltLevel.values:
            active["belt"] = raw
        else:
            errors.append(f"Unknown belt “{raw[:40]}” is ignored.")
    return active, errors


def scoped_projects(membership: Membership, active: Mapping[str, str]) -> QuerySet[Project]:
    """The member's projects narrowed by the cleaned filters (no joins, no ordering)."""
    queryset = projects_scoped(membership).order_by()
    if "customer" in active:
        queryset = queryset.filter(customer_account_id=parse_uuid(active["customer"]))
    if "belt" in active:
        queryset = queryset.filter(belt_level=active["belt"])
    return queryset


def _validated_benefit() -> Exists:
    return Exists(Benefit.objects.filter(project=OuterRef("pk"), status=BenefitStatus.VALIDATED))


def _customer_scored() -> Exists:
    return Exists(SelectionScore.objects.filter(project=OuterRef("pk"), scorer__role=Role.CUSTOMER))


def _project_figures(projects: QuerySet[Project], today: dt.date) -> dict[str, Any]:
    """One aggregate over the projects: headline counts, phases now, throughput, durations,
    selection buy-in and pilots."""
    thresholds = flag_thresholds()
    is_open = Q(phase__in=OPEN_PHASES)
    closed = Q(phase=Phase.CLOSED, closed_on__isnull=False)
    duration = DateDiff(F("closed_on"), F("started_on"))
    waited = Exists(WaitingPeriod.objects.filter(project=OuterRef("pk")))
    quarter_labels = quarters.last(THROUGHPUT_QUARTERS, ending=quarters.of(today))
    aggregates: dict[str, Any] = {
        "total": Count("pk"),
        "open": Count("pk", filter=is_open),
        "in_dmaic": Count("pk", filter=Q(phase__in=DMAIC_PHASES)),
        "closed_12m": Count("pk", filter=closed & Q(closed_on__gt=today - dt.timedelta(days=365))),
        "closed_total": Count("pk", filter=closed),
        "stalled": Count("pk", filter=stalled_q(thresholds)),
        "long_running": Count("pk", filter=long_running_q(thresholds)),
        "waiting": Count("pk", filter=is_open & ~Q(waiting_kind="")),
        "tollgates_pending": Count("pk", filter=is_open & Q(tollgate_pending=True)),
        "duration_median": Median(duration, filter=closed),
        "duration_avg": Avg(duration, filter=closed),
        "duration_sum": Sum(duration, filter=closed),
        "duration_median_waited": Median(duration, filter=closed & Q(waited)),
        "duration_median_no_wait": Median(duration, filter=closed & ~Q(waited)),
        "closed_waited": Count("pk", filter=closed & Q(waited)),
        "candidates": Count("pk", filter=Q(phase=Phase.CANDIDATE)),
        "candidates_customer_scored": Count("pk", filter=Q(phase=Phase.CANDIDATE) & Q(_customer_scored())),
        "selected": Count("pk", filter=~Q(phase__in=[Phase.CANDIDATE, Phase.CANCELLED])),
        "selected_customer_scored": Count(
            "pk", filter=~Q(phase__in=[Phase.CANDIDATE, Phase.CANCELLED]) & Q(_customer_scored())
        ),
        "waiting_days": Sum(Coalesce(_waiting_days_of_project(), Value(0)), filter=closed),
        "feedback_points": Sum(_feedback_of_project(Sum("satisfaction"))),
        "feedback_responses": Sum(_feedback_of_project(Count("pk"))),
        "pilots": Count("pk", filter=Q(is_pilot=True)),
        "pilots_open": Count("pk", filter=Q(is_pilot=True) & is_open),
        "pilots_won": Count("pk", filter=Q(is_pilot=True) & closed & Q(_validated_benefit())),
    }
    for phase in [*PHASE_ORDER, Phase.CANCELLED]:
        aggregates[f"phase_{phase}"] = Count("pk", filter=Q(phase=phase))
    for index, label in enumerate(quarter_labels):
        start, end = quarters.start_date(label), quarters.end_date(label)
        aggregates[f"quarter_{index}"] = Count("pk", filter=closed & Q(closed_on__range=(start, end)))
    row = projects.aggregate(**aggregates)
    row["quarter_labels"] = quarter_labels
    return row


def _cycle_times(membership: Membership, projects: QuerySet[Project]) -> list[dict[str, Any]]:
    """Median / average days per phase over finished visits (``left_at − entered_at``). One query."""
    days = DaysBetween(F("left_at"), F("entered_at"))
    rows = (
        PhaseVisit.objects.visible_to(membership)
        .filter(project__in=projects.values("pk"), left_at__isnull=False, phase__in=CYCLE_PHASES)
        .order_by()
        .values("phase")
        .annotate(median=Median(days), average=Avg(days), visits=Count("pk"))
    )
    by_phase: dict[str, dict[str, Any]] = {row["phase"]: dict(row) for row in rows}
    result = []
    for phase in CYCLE_PHASES:
        row = by_phase.get(phase, {})
        result.append(
            {
                "phase": str(phase),
                "label": Phase(phase).label,
                "median_days": _round(row.get("median")),
                "average_days": _round(row.get("average")),
                "visits": row.get("visits", 0),
            }
        )
    return result


def _waiting_days_of_project() -> Subquery:
    """Days the outer (closed) project spent waiting, each period clipped to its start and close."""
    closed_on, started_on = OuterRef("closed_on"), OuterRef("started_on")
    end = Least(Coalesce(F("ended_on"), closed_on), closed_on)
    start = Greatest(F("started_on"), started_on)
    days = (
        WaitingPeriod.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(days=Sum(Greatest(DateDiff(end, start), Value(0)), output_field=IntegerField()))
        .values("days")
    )
    return Subquery(days, output_field=IntegerField())


def _feedback_of_project(aggregate: Any) -> Subquery:
    """The outer project's customer feedback summed up (``Sum("satisfaction")`` or ``Count("pk")``)."""
    rows = (
        CustomerFeedback.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(value=aggregate)
        .values("value")
    )
    return Subquery(rows, output_field=IntegerField())


def _benefits(membership: Membership, projects: QuerySet[Project]) -> list[dict[str, Any]]:
    """Estimated vs customer-validated amounts per currency. One query."""
    validated = Q(status=BenefitStatus.VALIDATED)
    rows = (
        Benefit.objects.visible_to(membership)
        .filter(project__in=projects.values("pk"))
        .order_by()
        .values("currency")
        .annotate(
            estimated=Sum("estimated_amount"),
            validated=Sum("validated_amount", filter=validated),
            entries=Count("pk"),
            validated_entries=Count("pk", filter=validated),
            disputed_entries=Count("pk", filter=Q(status=BenefitStatus.DISPUTED)),
        )
        .order_by("currency")
    )
    result = []
    for row in rows:
        estimated = row["estimated"] or 0
        validated_amount = row["validated"] or 0
        result.append(
            {
                "currency": row["currency"],
                "estimated": estimated,
                "validated": validated_amount,
                "validated_share": _share(float(validated_amount), float(estimated)),
                "entries": row["entries"],
                "validated_entries": row["validated_entries"],
                "disputed_entries": row["disputed_entries"],
            }
        )
    return result


def _belts() -> dict[str, int]:
    """Certified Green / Black Belts and the coach pool (program-wide). One query."""
    green = Exists(Certification.objects.filter(member=OuterRef("pk"), belt_level=BeltLevel.GREEN))
    black = Exists(Certification.objects.filter(member=OuterRef("pk"), belt_level=BeltLevel.BLACK))
    counts: dict[str, int] = Membership.objects.aggregate(
        green_belts=Count("pk", filter=Q(green)),
        black_belts=Count("pk", filter=Q(black)),
        coaches=Count("pk", filter=coach_pool_q()),
    )
    return counts


def _first_pilot_won(projects: QuerySet[Project]) -> dict[str, Any] | None:
    """The earliest closed pilot with at least one validated benefit ("an early pilot won"). One query."""
    row = (
        projects.filter(_validated_benefit(), is_pilot=True, phase=Phase.CLOSED, closed_on__isnull=False)
        .order_by("closed_on", "pk")
        .values("pk", "title", "customer_account__name", "closed_on")
        .first()
    )
    if row is None:
        return None
    return {
        "id": row["pk"],
        "title": row["title"],
        "customer": row["customer_account__name"],
        "closed_on": row["closed_on"],
    }


#: The headline counts (keys of the aggregate of ``_project_figures``).
COUNT_KEYS = (
    "total",
    "open",
    "in_dmaic",
    "closed_12m",
    "closed_total",
    "stalled",
    "long_running",
    "waiting",
    "tollgates_pending",
)


def _durations(figures: dict[str, Any]) -> dict[str, Any]:
    """How long closed projects took, and the share of it spent waiting."""
    waiting_days = int(figures["waiting_days"] or 0)
    duration_sum = figures["duration_sum"] or 0
    return {
        "closed_projects": figures["closed_total"],
        "median_days": _round(figures["duration_median"]),
        "average_days": _round(figures["duration_avg"]),
        "waiting_days": waiting_days,
        "total_days": duration_sum,
        "waiting_share": _share(waiting_days, duration_sum),
        "closed_with_waiting": figures["closed_waited"],
        "median_days_with_waiting": _round(figures["duration_median_waited"]),
        "median_days_without_waiting": _round(figures["duration_median_no_wait"]),
    }


def _selection(figures: dict[str, Any]) -> dict[str, Any]:
    """Customer buy-in: candidates and selected projects the customer scored."""
    return {
        "candidates": figures["candidates"],
        "candidates_with_customer_score": figures["candidates_customer_scored"],
        "candidates_without_customer_score": figures["candidates"] - figures["candidates_customer_scored"],
        "selected": figures["selected"],
        "selected_with_customer_score": figures["selected_customer_scored"],
        "selected_customer_share": _share(figures["selected_customer_scored"], figures["selected"]),
    }


def _pilot(figures: dict[str, Any], projects: QuerySet[Project]) -> dict[str, Any]:
    """Pilots open and won, and the first one won (one query, only when one was won)."""
    return {
        "pilots": figures["pilots"],
        "open": figures["pilots_open"],
        "won": figures["pilots_won"],
        "first_won": _first_pilot_won(projects) if figures["pilots_won"] else None,
    }


def _feedback(figures: dict[str, Any]) -> dict[str, Any]:
    responses = int(figures["feedback_responses"] or 0)
    return {
        "average": _round(figures["feedback_points"] / responses, 2) if responses else None,
        "responses": responses,
    }


def program_health(membership: Membership, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Every figure of the program health page and API (see the module docstring)."""
    today = timezone.localdate()
    options = customer_options(membership)
    active, errors = clean_filters(params or {}, options)
    projects = scoped_projects(membership, active)
    figures = _project_figures(projects, today)
    pilot = _pilot(figures, projects)
    has_projects = figures["total"] > 0
    return {
        "filters": active,
        "errors": errors,
        "customer_options": options,
        "belt_options": list(BeltLevel.choices),
        "has_projects": has_projects,
        "counts": {key: figures[key] for key in COUNT_KEYS},
        "durations": _durations(figures),
        "cycle_times": _cycle_times(membership, projects) if has_projects else _cycle_times_empty(),
        "throughput": [
            {"quarter": label, "closed": figures[f"quarter_{index}"]}
            for index, label in enumerate(figures["quarter_labels"])
        ],
        "phases": [
            {"phase": str(phase), "label": Phase(phase).label, "count": figures[f"phase_{phase}"]}
            for phase in [*PHASE_ORDER, Phase.CANCELLED]
        ],
        "selection": _selection(figures),
        "pilot": pilot,
        "benefits": _benefits(membership, projects) if has_projects else [],
        "feedback": _feedback(figures),
        "belts": _belts(),
        "as_of": today,
    }


def _cycle_times_empty() -> list[dict[str, Any]]:
    return [
        {"phase": str(phase), "label": Phase(phase).label, "median_days": None, "average_days": None, "visits": 0}
        for phase in CYCLE_PHASES
    ]
