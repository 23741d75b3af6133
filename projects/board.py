"""Projects · board: the one global Kanban board (reads only; moving a card is a tollgate, see workflow).

``board_for(membership, params)`` costs a fixed number of queries whatever the number of projects:
one query ranks the (filtered) projects of each phase with a window function
(``ROW_NUMBER() OVER (PARTITION BY phase …)`` and ``COUNT(*) OVER (PARTITION BY phase)``) and keeps
at most ``CARD_LIMIT`` per column, giving the column totals and the card ids; a second query reads
those cards with their account and people joined.

Card order inside a column: **longest in the phase first** (``phase_entered_at`` ascending), because
the board is where stuck work must be seen; a card that sat in Measure for 90 days belongs at the
top, not under forty fresh ones. The Closed column is the exception: it only grows, so its most
recently closed projects come first. The list page (``projects:list``, linked from "N more →") shows
the rest of a column.

Visibility comes from ``projects_for``: every internal member sees all projects of the
tenant ("all work visible", seed 004); customer participants see their own account's projects only.
Filters come from ``projects.projects.filter_projects`` (the list page's filters, so both agree);
``phase`` is not a board filter (the columns are the phases).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, CharField, Count, F, Func, QuerySet, Value, When, Window
from django.db.models.functions import Cast, Coalesce, NullIf, RowNumber
from django.utils import timezone

from core.models import Membership, Role
from core.parsing import query_value
from knowledge.models import SolutionArea
from partnering.models import CustomerAccount
from projects.models import BOARD_COLUMNS, OPEN_PHASES, Phase, Project, next_phase
from projects.projects import FILTER_KEYS as FILTER_KEYS_ALL
from projects.projects import filter_projects, flag_thresholds, projects_for

#: Cards shown per column; the column's count is always the full number.
CARD_LIMIT = 40
#: Query parameters the board understands: the list page's filters except ``phase`` (the columns).
FILTER_KEYS = tuple(key for key in FILTER_KEYS_ALL if key != "phase")


def clean_params(params: Mapping[str, Any]) -> dict[str, str]:
    """The board's filter parameters (phase and unknown keys dropped), single values, non-empty."""
    cleaned: dict[str, str] = {}
    for key in FILTER_KEYS:
        value = query_value(params, key)
        if value:
            cleaned[key] = value
    return cleaned


# --- The board ---------------------------------------------------------------------------------


@dataclass
class BoardColumn:
    phase: str
    label: str
    count: int = 0
    cards: list[Project] = field(default_factory=list)
    next_phase: str | None = None
    next_label: str = ""

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.cards))

    @property
    def is_open(self) -> bool:
        return self.phase in OPEN_PHASES


@dataclass
class Board:
    columns: list[BoardColumn]
    cancelled_count: int
    params: dict[str, str]
    active: dict[str, str]
    errors: list[str]
    total: int

    @property
    def is_empty(self) -> bool:
        return self.total == 0


def card_order() -> list[Any]:
    """Inside a column: longest in phase first; Closed: most recently closed first."""
    closed_entered = Case(When(phase=Phase.CLOSED, then=F("phase_entered_at")), default=None)
    return [closed_entered.desc(nulls_last=True), F("phase_entered_at").asc(), F("title").asc(), F("id").asc()]


def board_queryset(
    membership: Membership, params: Mapping[str, Any], thresholds: tuple[dt.datetime, dt.date] | None = None
) -> tuple[QuerySet[Project], Any]:
    """The member's projects, flags annotated, board filters applied (not yet limited per column),
    and the filters that were applied (with ``errors``: what was ignored and why)."""
    return filter_projects(projects_for(membership, thresholds=thresholds), clean_params(params))


def _card_sort_key(project: Project) -> tuple[float, str, str]:
    """Python twin of ``card_order`` (the cards are read by id, unordered)."""
    stamp = project.phase_entered_at.timestamp()
    return (-stamp if project.phase == Phase.CLOSED else stamp, project.title, str(project.pk))


def board_for(membership: Membership, params: Mapping[str, Any], *, limit: int | None = None) -> Board:
    """The board's columns with counts and at most ``limit`` (default ``CARD_LIMIT``) cards each:
    two queries (+ the tenant's flag settings), whatever the number of projects.

    1. One query over the bare project rows (filters applied, nothing joined for display) ranks
       each phase's projects with ``ROW_NUMBER()`` and counts them with ``COUNT(*) OVER`` the same
       partition, keeping only the rows ranked ≤ ``limit``: it yields the per-column totals and
       the ids of the cards.
    2. One query reads those cards with their account and people joined and the flags annotated.

    Both plans stay simple (a sort of the tenant's projects; a primary-key lookup), so they do not
    depend on table statistics."""
    limit = limit or CARD_LIMIT
    cleaned = clean_params(params)
    thresholds = flag_thresholds()
    queryset, active = board_queryset(membership, cleaned, thresholds)
    partition = [F("phase")]
    ranked = (
        queryset.select_related(None)
        .annotate(
            board_rank=Window(RowNumber(), partition_by=partition, order_by=card_order()),
            phase_total=Window(Count("pk"), partition_by=partition),
        )
        .filter(board_rank__lte=limit)
        .order_by()
        .values_list("pk", "phase", "phase_total")
    )
    counts: dict[str, int] = {}
    card_ids = []
    for pk, phase, total in ranked:
        counts[phase] = total
        if phase in BOARD_COLUMNS:
            card_ids.append(pk)
    cards = projects_for(membership, thresholds=thresholds).filter(pk__in=card_ids).order_by()
    by_phase: dict[str, list[Project]] = {phase: [] for phase in BOARD_COLUMNS}
    for card in cards:
        by_phase[card.phase].append(card)
    columns = []
    for phase in BOARD_COLUMNS:
        following = next_phase(phase)
        column_cards = sorted(by_phase[phase], key=_card_sort_key)
        columns.append(
            BoardColumn(
                phase=phase,
                label=Phase(phase).label,
                count=counts.get(phase, 0),
                cards=column_cards,
                next_phase=following,
                next_label=Phase(following).label if following else "",
            )
        )
    return Board(
        columns=columns,
        cancelled_count=counts.get(Phase.CANCELLED, 0),
        params=cleaned,
        active=dict(active),
        errors=list(getattr(active, "errors", [])),
        total=sum(column.count for column in columns),
    )


# --- The filter bar ---------------------------------------------------------------------------


def _option_rows(queryset: QuerySet[Any], kind: str, label: Any) -> QuerySet[Any]:
    rows: QuerySet[Any] = (
        queryset.order_by()
        .annotate(option_kind=Value(kind), option_id=Cast("pk", CharField()), option_label=label)
        .values_list("option_kind", "option_id", "option_label")
    )
    return rows


def filter_options(membership: Membership) -> dict[str, list[tuple[str, str]]]:
    """Choices of the filter bar as ``(id, label)`` pairs: customers, our people (leads and coaches)
    and solution areas, in **one** query (a UNION) so the board's query budget stays small.
    Internal members only; customer participants filter by belt and flags."""
    options: dict[str, list[tuple[str, str]]] = {"customer": [], "person": [], "area": []}
    if not membership.is_internal:
        return options
    person_label = Coalesce(
        NullIf(F("user__full_name"), Value("")),
        Func(F("user__email"), Value("@"), Value(1), function="split_part", output_field=CharField()),
    )
    rows = _option_rows(CustomerAccount.objects.visible_to(membership), "customer", F("name")).union(
        _option_rows(Membership.objects.exclude(role=Role.CUSTOMER), "person", person_label),
        _option_rows(SolutionArea.objects.all(), "area", F("path")),
        all=True,
    )
    for kind, option_id, label in rows.order_by("option_kind", "option_label"):
        options[kind].append((option_id, label))
    return options


def days_in_phase(project: Project, now: dt.datetime | None = None) -> int:
    return max(0, ((now or timezone.now()) - project.phase_entered_at).days)
