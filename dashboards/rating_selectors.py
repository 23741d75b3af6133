"""Reads of the champion ratings, with the visibility rule applied in one place.

**Visibility rule.** Each champion always sees their own side's rating, draft or submitted (the
supplier side's "own" people are its champion and admins, who may rate it; the author of a rating
always sees it). Anyone else — the other champion, executives, reps, coaches, other customer
participants of the account — sees a side's content only once it is *submitted* and either both sides
have submitted or the quarter has closed (``core.quarters.is_closed``). Drafts are never shown
to anyone else. Whether a side has submitted (not what it said) is visible to everyone who may see
the relationship. Customers never reach another account's relationship: callers look the
relationship up through ``visible_to`` first, and these functions filter by it again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from core import quarters
from core.models import Membership, Role
from dashboards.models import DIVERGENCE_STEPS, ChampionRating, Color, RatingDimension, RatingStatus
from dashboards.rating_services import CUSTOMER, SIDES, SUPPLIER
from partnering.models import Relationship

SIDE_LABELS = {SUPPLIER: "Our company", CUSTOMER: "Customer"}
COLOR_LABELS = dict(Color.choices)
MISSING, DRAFT, SUBMITTED = "missing", "draft", "submitted"


def is_own(membership: Membership, relationship: Relationship, side: str, rating: ChampionRating | None) -> bool:
    """True if ``membership`` rates (or rated) this side of the relationship."""
    if rating is not None and rating.champion_id == membership.pk:
        return True
    if side == CUSTOMER:
        return membership.is_customer and membership.pk == relationship.customer_champion_id
    return membership.is_internal and (
        membership.pk == relationship.supplier_champion_id or membership.role == Role.ADMIN
    )


def can_see(
    membership: Membership,
    relationship: Relationship,
    rating: ChampionRating | None,
    other: ChampionRating | None,
    *,
    today: Any = None,
) -> bool:
    """Whether ``membership`` may see the content of ``rating`` (``other`` is the other side's, if any)."""
    if rating is None:
        return False
    if is_own(membership, relationship, rating.side, rating):
        return True
    if rating.status != RatingStatus.SUBMITTED:
        return False
    if quarters.is_closed(rating.quarter, today=today):
        return True
    return other is not None and other.status == RatingStatus.SUBMITTED


@dataclass
class SideView:
    """One side's rating as one member may see it."""

    side: str
    rating: ChampionRating | None
    visible: bool
    mine: bool

    @property
    def label(self) -> str:
        return SIDE_LABELS[self.side]

    @property
    def status(self) -> str:
        """missing / draft / submitted; a draft is reported as missing to anyone but its own side."""
        if self.rating is None or (self.rating.status != RatingStatus.SUBMITTED and not self.mine):
            return MISSING
        return SUBMITTED if self.rating.status == RatingStatus.SUBMITTED else DRAFT

    @property
    def status_label(self) -> str:
        return {MISSING: "not submitted", DRAFT: "draft", SUBMITTED: "submitted"}[self.status]

    @property
    def submitted(self) -> bool:
        return self.status == SUBMITTED

    @property
    def hidden(self) -> bool:
        """It exists as a submission, but its content may not be shown to this member yet."""
        return self.status == SUBMITTED and not self.visible

    @property
    def overall(self) -> int | None:
        return self.rating.overall if self.visible and self.rating is not None else None

    @property
    def overall_label(self) -> str:
        return COLOR_LABELS.get(self.overall, "") if self.overall else ""

    @property
    def avoid_stall(self) -> str:
        return self.rating.avoid_stall if self.visible and self.rating is not None else ""


def _side_views(
    membership: Membership, relationship: Relationship, by_side: dict[str, ChampionRating], today: Any = None
) -> dict[str, SideView]:
    views = {}
    for side in SIDES:
        rating = by_side.get(side)
        other = by_side.get(CUSTOMER if side == SUPPLIER else SUPPLIER)
        views[side] = SideView(
            side=side,
            rating=rating,
            visible=can_see(membership, relationship, rating, other, today=today),
            mine=is_own(membership, relationship, side, rating),
        )
    return views


# --- Heat strip -------------------------------------------------------------------------------


def heat_strips(
    membership: Membership,
    relationships: Iterable[Relationship],
    *,
    count: int = 8,
    ending: str | None = None,
) -> dict[Any, list[dict[str, Any]]]:
    """Per relationship: the last ``count`` quarters, oldest first, each ``{"quarter", "closed",
    "supplier": SideView, "customer": SideView}``. One query, whatever the number of relationships."""
    relationships = list(relationships)
    span = quarters.last(count, ending=ending)
    ratings = ChampionRating.objects.visible_to(membership).filter(
        relationship__in=[r.pk for r in relationships], quarter__in=span
    )
    found: dict[tuple[Any, str], dict[str, ChampionRating]] = {}
    for rating in ratings.only(
        "id", "relationship_id", "quarter", "side", "status", "overall", "champion_id", "submitted_at", "row_version"
    ):
        found.setdefault((rating.relationship_id, rating.quarter), {})[rating.side] = rating
    strips: dict[Any, list[dict[str, Any]]] = {}
    for relationship in relationships:
        row = []
        for quarter in span:
            views = _side_views(membership, relationship, found.get((relationship.pk, quarter), {}))
            row.append({"quarter": quarter, "closed": quarters.is_closed(quarter), **views})
        strips[relationship.pk] = row
    return strips


def heat_strip(
    membership: Membership, relationship: Relationship, quarters_count: int = 8, *, ending: str | None = None
) -> list[dict[str, Any]]:
    """The heat strip of one relationship (see ``heat_strips``)."""
    return heat_strips(membership, [relationship], count=quarters_count, ending=ending)[relationship.pk]


# --- Side by side -----------------------------------------------------------------------------


@dataclass
class Cell:
    color: int | None
    comment: str

    @property
    def label(self) -> str:
        return COLOR_LABELS.get(self.color, "") if self.color else ""


@dataclass
class CompareRow:
    dimension: RatingDimension
    supplier: Cell | None
    customer: Cell | None
    steps: int | None = None

    @property
    def agreement(self) -> bool | None:
        return None if self.steps is None else self.steps == 0

    @property
    def divergent(self) -> bool | None:
        return None if self.steps is None else self.steps >= DIVERGENCE_STEPS


@dataclass
class Comparison:
    relationship: Relationship
    quarter: str
    closed: bool
    supplier: SideView
    customer: SideView
    rows: list[CompareRow] = field(default_factory=list)
    overall_steps: int | None = None

    @property
    def revealed(self) -> bool:
        """Both sides' content is visible to this member."""
        return self.supplier.visible and self.customer.visible

    @property
    def sides(self) -> list[SideView]:
        return [self.supplier, self.customer]

    @property
    def overall_agreement(self) -> bool | None:
        return None if self.overall_steps is None else self.overall_steps == 0

    @property
    def overall_divergent(self) -> bool | None:
        return None if self.overall_steps is None else self.overall_steps >= DIVERGENCE_STEPS

    @property
    def divergent_count(self) -> int:
        return sum(1 for row in self.rows if row.divergent)


def _steps(a: int | None, b: int | None) -> int | None:
    return abs(a - b) if a is not None and b is not None else None


def ratings_for(membership: Membership, relationship: Relationship, quarter: str) -> dict[str, ChampionRating]:
    """Both sides' ratings (with scores and dimensions) of one quarter, by side. Two queries."""
    rows = (
        ChampionRating.objects.visible_to(membership)
        .filter(relationship=relationship, quarter=quarter)
        .select_related("champion__user")
        .prefetch_related("scores")
    )
    return {rating.side: rating for rating in rows}


def compare(membership: Membership, relationship: Relationship, quarter: str) -> Comparison:
    """Both sides of one quarter per dimension, as far as ``membership`` may see them. Three queries."""
    quarters.parse(quarter)
    by_side = ratings_for(membership, relationship, quarter)
    views = _side_views(membership, relationship, by_side)
    scores: dict[str, dict[Any, Cell]] = {}
    for side, view in views.items():
        if view.visible and view.rating is not None:
            scores[side] = {s.dimension_id: Cell(s.color, s.comment) for s in view.rating.scores.all()}
    rated = {pk for cells in scores.values() for pk in cells}
    dimensions = [d for d in RatingDimension.objects.all() if d.active or d.pk in rated]
    comparison = Comparison(
        relationship=relationship,
        quarter=quarter,
        closed=quarters.is_closed(quarter),
        supplier=views[SUPPLIER],
        customer=views[CUSTOMER],
    )
    for dimension in dimensions:
        ours = scores.get(SUPPLIER, {}).get(dimension.pk)
        theirs = scores.get(CUSTOMER, {}).get(dimension.pk)
        comparison.rows.append(
            CompareRow(
                dimension=dimension,
                supplier=ours,
                customer=theirs,
                steps=_steps(ours.color if ours else None, theirs.color if theirs else None),
            )
        )
    comparison.overall_steps = _steps(views[SUPPLIER].overall, views[CUSTOMER].overall)
    return comparison


def current_status(membership: Membership, relationship: Relationship, strip: list[dict[str, Any]]) -> dict[str, Any]:
    """The current quarter's status line for the overview: mine and the other side's, without content."""
    latest = strip[-1]
    supplier, customer = latest[SUPPLIER], latest[CUSTOMER]
    mine = supplier if supplier.mine else customer if customer.mine else None
    other = (customer if mine is supplier else supplier) if mine is not None else None
    return {"quarter": latest["quarter"], "mine": mine, "other": other, "supplier": supplier, "customer": customer}


def visible_rating_ids(
    membership: Membership, *, relationship: Relationship | None = None, quarter: str | None = None
) -> list[Any]:
    """Ids of the ratings whose content ``membership`` may see, newest quarter first. One query."""
    rows = ChampionRating.objects.visible_to(membership).select_related("relationship")
    if relationship is not None:
        rows = rows.filter(relationship=relationship)
    if quarter is not None:
        rows = rows.filter(quarter=quarter)
    rows = rows.only(
        "id",
        "quarter",
        "side",
        "status",
        "champion_id",
        "relationship__id",
        "relationship__supplier_champion_id",
        "relationship__customer_champion_id",
    ).order_by("-quarter", "relationship_id", "side")
    pairs: dict[tuple[Any, str], dict[str, ChampionRating]] = {}
    ordered = list(rows)
    for rating in ordered:
        pairs.setdefault((rating.relationship_id, rating.quarter), {})[rating.side] = rating
    visible = []
    for rating in ordered:
        other = pairs[(rating.relationship_id, rating.quarter)].get(CUSTOMER if rating.side == SUPPLIER else SUPPLIER)
        if can_see(membership, rating.relationship, rating, other):
            visible.append(rating.pk)
    return visible
