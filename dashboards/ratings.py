"""The ratings area: rating dimensions, the champions' quarterly ratings and who may see them.

Decisions (issue #4, part 6):

* **Who rates which side.** The supplier side is rated by the relationship's supplier champion or by
  an admin; the customer side only by the relationship's customer champion (a customer participant
  of that account). Champions are identified per relationship, whatever their role; an admin may
  never write the customer side. Everyone else gets ``PermissionDenied``.
* **Drafts and submission.** A save replaces the rating's whole content (the dimensions not named
  lose their score). Drafts may be incomplete; a submission needs a colour for every active
  dimension, an overall colour and "what we must do so the relationship does not stall".
* **Locked after submit.** A submitted rating is final: it is what the other side compares against,
  so any later change is refused (``code="locked"``); the history keeps every earlier draft.
* **No lost updates.** ``expected_row_version`` is the version the editor started from (0 for a
  rating not created yet); a stale one raises ``ValidationError(code="conflict")`` and writes nothing.

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

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import quarters
from core.models import Membership, Role
from core.parsing import parse_uuid
from core.permissions import can
from core.service_helpers import apply_fields, model_update, save_validated
from core.tenancy import current_tenant_id
from dashboards.models import DIVERGENCE_STEPS, ChampionRating, Color, RatingDimension, RatingScore, RatingStatus
from dashboards.scorecards import champions
from partnering.models import Relationship

SUPPLIER, CUSTOMER = "supplier", "customer"
SIDES = (SUPPLIER, CUSTOMER)

#: The relationship table's elements, rated each quarter (name, why it matters).
DEFAULT_DIMENSIONS: list[tuple[str, str]] = [
    ("Executive engagement", "Sponsors on both sides know the relationship, meet and act on what they hear."),
    (
        "Communication and information sharing",
        "Open, timely exchange of plans, forecasts, problems and data; no surprises.",
    ),
    ("Trust", "Each side does what it says and assumes good intent; sensitive topics can be raised."),
    (
        "Joint planning and future focus",
        "Shared goals and a plan beyond this quarter; the future topics short list moves.",
    ),
    ("Value creation", "Both firms measurably gain: cost, quality, growth, innovation."),
    ("Governance", "Reviews happen on cadence, actions close, the scorecard is agreed and kept current."),
    ("People and capabilities", "The right people on the roster, trained and with time for the relationship."),
]

CONFLICT_MESSAGE = (
    "Someone saved this rating after you opened it. Your changes were not saved: reload to see the "
    "current version, then make your changes again."
)


def ensure_rating_dimensions() -> list[RatingDimension]:
    """The active tenant's dimensions; creates the default set the first time (idempotent)."""
    existing = list(RatingDimension.objects.all())
    if existing:
        return existing
    tenant_id = current_tenant_id()
    rows = [
        RatingDimension(tenant_id=tenant_id, name=name, description=description, position=index * 10)
        for index, (name, description) in enumerate(DEFAULT_DIMENSIONS, start=1)
    ]
    RatingDimension.objects.bulk_create(rows, ignore_conflicts=True)  # a concurrent first call is harmless
    return list(RatingDimension.objects.all())


def side_for(actor: Membership, relationship: Relationship) -> str | None:
    """The side ``actor`` may rate on this relationship, or None."""
    if actor.pk is not None and actor.pk == relationship.customer_champion_id and actor.is_customer:
        return CUSTOMER
    if actor.is_customer:
        return None
    if actor.pk == relationship.supplier_champion_id or actor.role == Role.ADMIN:
        return SUPPLIER
    return None


def _check_side(actor: Membership, relationship: Relationship, side: str | None) -> str:
    allowed = side_for(actor, relationship)
    if side is not None and side not in SIDES:
        raise ValidationError({"side": "Choose supplier or customer."})
    if allowed is None:
        raise PermissionDenied("Only the two champions of this relationship (and admins, for our side) may rate it.")
    if side is not None and side != allowed:
        if side == CUSTOMER:
            raise PermissionDenied("Only the customer's champion may rate the customer side.")
        raise PermissionDenied("Only our company's champion or an admin may rate our side.")
    return allowed


def _check_quarter(quarter: str) -> None:
    try:
        quarters.parse(quarter)
    except ValidationError as error:
        raise ValidationError({"quarter": error.messages}) from None
    if quarters.parse(quarter) > quarters.parse(quarters.current()):
        raise ValidationError({"quarter": f"{quarter} has not started yet: rate a quarter once it is under way."})


def _color(value: Any, field: str, errors: dict[str, list[str]]) -> int | None:
    """A colour 1–5 (ints or digit strings), None for "no colour"; anything else is recorded as an error."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        value = "x"
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if number not in Color.values:
        errors.setdefault(field, []).append("Choose one of the five colours (1 = Bright Red … 5 = Bright Green).")
        return None
    return number


def _parse_scores(
    scores: Mapping[Any, tuple[Any, str]], errors: dict[str, list[str]]
) -> tuple[dict[uuid.UUID, tuple[int, str]], dict[uuid.UUID, RatingDimension]]:
    """Validated ``{dimension_id: (colour, comment)}`` among the tenant's dimensions, and the active ones."""
    dimensions = {d.pk: d for d in RatingDimension.objects.all()}
    active = {pk: d for pk, d in dimensions.items() if d.active}
    parsed: dict[uuid.UUID, tuple[int, str]] = {}
    for raw_id, pair in scores.items():
        try:
            dimension_id = raw_id if isinstance(raw_id, uuid.UUID) else uuid.UUID(str(raw_id))
        except ValueError:
            errors.setdefault("scores", []).append(f"'{raw_id}' is not a rating dimension of this workspace.")
            continue
        field = f"scores.{dimension_id}"
        if dimension_id not in dimensions:  # another tenant's id is simply not found here
            errors.setdefault("scores", []).append(f"'{raw_id}' is not a rating dimension of this workspace.")
            continue
        if dimension_id not in active:
            errors.setdefault(field, []).append("This dimension is no longer rated.")
            continue
        try:
            raw_color, comment = pair
        except (TypeError, ValueError):
            errors.setdefault(field, []).append("Give a colour and a comment.")
            continue
        color = _color(raw_color, field, errors)
        comment = str(comment or "").strip()
        if color is None:
            if comment and field not in errors:
                errors.setdefault(field, []).append("Choose a colour to keep this comment.")
            continue
        parsed[dimension_id] = (color, comment)
    return parsed, active


@transaction.atomic
def rating_save(
    *,
    actor: Membership,
    relationship: Relationship,
    quarter: str,
    scores: Mapping[Any, tuple[Any, str]],
    overall: Any = None,
    avoid_stall: str = "",
    submit: bool = False,
    expected_row_version: int | None = None,
    side: str | None = None,
) -> ChampionRating:
    """Save (and optionally submit) the actor's rating of one relationship for one quarter."""
    side = _check_side(actor, relationship, side)
    _check_quarter(quarter)
    rating = _rating_to_change(relationship, quarter, side, expected_row_version)
    parsed, overall_color, avoid_stall = _content(scores, overall, avoid_stall, submit=submit)
    if rating is None:
        rating = ChampionRating(tenant_id=current_tenant_id(), relationship=relationship, quarter=quarter, side=side)
    else:
        rating.row_version += 1
    rating.champion = actor
    rating.overall = overall_color
    rating.avoid_stall = avoid_stall
    if submit:
        rating.status = RatingStatus.SUBMITTED
        rating.submitted_at = timezone.now()
    rating.full_clean(exclude=["relationship", "champion"])
    try:
        with transaction.atomic():  # a concurrent first save of the same side loses cleanly
            rating.save()
    except IntegrityError:
        raise ValidationError(CONFLICT_MESSAGE, code="conflict") from None
    _replace_scores(rating, parsed)
    return rating


def _rating_to_change(
    relationship: Relationship, quarter: str, side: str, expected_row_version: int | None
) -> ChampionRating | None:
    """The side's rating, locked for the update (None before the first save); a stale
    ``expected_row_version`` is a conflict, a submitted rating is locked."""
    rating: ChampionRating | None = (
        ChampionRating.objects.select_for_update().filter(relationship=relationship, quarter=quarter, side=side).first()
    )
    current_version = rating.row_version if rating is not None else 0
    if expected_row_version is not None and expected_row_version != current_version:
        raise ValidationError(CONFLICT_MESSAGE, code="conflict")
    if rating is not None and rating.status == RatingStatus.SUBMITTED:
        submitted = timezone.localtime(rating.submitted_at).strftime("%d %b %Y") if rating.submitted_at else ""
        raise ValidationError(
            f"This rating was submitted{' on ' + submitted if submitted else ''} and is locked: it can no longer "
            "be changed.",
            code="locked",
        )
    return rating


def _content(
    scores: Mapping[Any, tuple[Any, str]], overall: Any, avoid_stall: str, *, submit: bool
) -> tuple[dict[uuid.UUID, tuple[int, str]], int | None, str]:
    """The validated scores, overall colour and avoid-stall text; a submission must be complete."""
    errors: dict[str, list[str]] = {}
    parsed, active = _parse_scores(scores, errors)
    overall_color = _color(overall, "overall", errors)
    avoid_stall = (avoid_stall or "").strip()
    if submit and not errors:
        _check_complete(parsed, active, overall_color, avoid_stall, errors)
    if errors:
        raise ValidationError(errors)
    return parsed, overall_color, avoid_stall


def _check_complete(
    parsed: Mapping[uuid.UUID, tuple[int, str]],
    active: Mapping[uuid.UUID, RatingDimension],
    overall_color: int | None,
    avoid_stall: str,
    errors: dict[str, list[str]],
) -> None:
    """What a submission needs: every active dimension, an overall colour and the avoid-stall text."""
    missing = [d.name for pk, d in active.items() if pk not in parsed]
    if missing:
        errors["scores"] = [f"Choose a colour for every dimension before submitting (missing: {', '.join(missing)})."]
        for pk in active:
            if pk not in parsed:
                errors.setdefault(f"scores.{pk}", []).append("Choose a colour before submitting.")
    if overall_color is None:
        errors.setdefault("overall", []).append("Choose an overall colour before submitting.")
    if not avoid_stall:
        errors.setdefault("avoid_stall", []).append(
            "Say what we must do so the relationship does not stall before submitting."
        )


def _replace_scores(rating: ChampionRating, parsed: Mapping[uuid.UUID, tuple[int, str]]) -> None:
    """The rating's scores become ``parsed``: others deleted, changed ones updated, new ones created."""
    existing = {s.dimension_id: s for s in RatingScore.objects.filter(rating=rating)}
    stale = [s.pk for dim_id, s in existing.items() if dim_id not in parsed]
    if stale:
        RatingScore.objects.filter(pk__in=stale).delete()
    for dimension_id, (color, comment) in parsed.items():
        score = existing.get(dimension_id)
        if score is None:
            RatingScore.objects.create(rating=rating, dimension_id=dimension_id, color=color, comment=comment)
        elif (score.color, score.comment) != (color, comment):
            score.color, score.comment = color, comment
            score.save(update_fields=["color", "comment"])


def rating_submit(
    *, actor: Membership, relationship: Relationship, quarter: str, expected_row_version: int | None = None
) -> ChampionRating:
    """Submit the saved draft as it is (the API's ``POST …/submit/``)."""
    side = _check_side(actor, relationship, None)
    _check_quarter(quarter)
    rating = (
        ChampionRating.objects.filter(relationship=relationship, quarter=quarter, side=side)
        .prefetch_related("scores")
        .first()
    )
    if rating is None:
        if expected_row_version not in (None, 0):
            raise ValidationError(CONFLICT_MESSAGE, code="conflict")
        raise ValidationError({"scores": "Save your rating as a draft first, then submit it."})
    return rating_save(
        actor=actor,
        relationship=relationship,
        quarter=quarter,
        scores={s.dimension_id: (s.color, s.comment) for s in rating.scores.all()},
        overall=rating.overall,
        avoid_stall=rating.avoid_stall,
        submit=True,
        expected_row_version=expected_row_version,
        side=side,
    )


# --- Dimensions (admins) ----------------------------------------------------------------------

#: What an admin may change on a dimension (the API serializer and the admin form derive theirs from it).
DIMENSION_FIELDS: Final = ("name", "description", "position", "active")


def _require_admin(actor: Membership) -> None:
    if not can(actor, "ratings.dimensions.manage"):
        raise PermissionDenied("Only admins may change the rating dimensions.")


def _normalise_dimension(dimension: RatingDimension) -> None:
    dimension.name = (dimension.name or "").strip()


@transaction.atomic
def dimension_create(*, actor: Membership, name: str, **fields: Any) -> RatingDimension:
    _require_admin(actor)
    ensure_rating_dimensions()
    dimension = RatingDimension()
    apply_fields(dimension, {"name": name, **fields}, DIMENSION_FIELDS)
    _normalise_dimension(dimension)
    return save_validated(dimension)


@transaction.atomic
def dimension_update(*, actor: Membership, dimension: RatingDimension, **fields: Any) -> RatingDimension:
    """Rename, describe, reorder or retire (``active=False``) a dimension; past scores keep pointing at it."""
    _require_admin(actor)
    dimension, _changed = model_update(
        instance=dimension, data=fields, allowed=DIMENSION_FIELDS, prepare=_normalise_dimension
    )
    return dimension


# --- Reads ------------------------------------------------------------------------------------

SIDE_LABELS = {SUPPLIER: "Our company", CUSTOMER: "Customer"}
#: Colour number → its name ("Bright Red" … "Bright Green"), for pages, the API and the sponsor dashboard.
COLOR_LABELS: dict[int, str] = {int(color.value): str(color.label) for color in Color}
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


def is_revealed(quarter: str, *, submitted_sides: int, today: dt.date | None = None) -> bool:
    """**The hidden-until-both rule**, the one place it is decided: a quarter's submitted ratings are
    shown (to anyone but their own side) once both sides have submitted or the quarter has closed.

    Every read that shows a rating goes through it: ``can_see`` (the ratings pages, the API, the
    review pack), ``Comparison.shown_to_all`` (the pack's "both in" notice) and the sponsor dashboard,
    which applies it to everyone, authors included, so it never shows one side early."""
    return submitted_sides >= len(SIDES) or quarters.is_closed(quarter, today=today)


def can_see(
    membership: Membership,
    relationship: Relationship,
    rating: ChampionRating | None,
    other: ChampionRating | None,
    *,
    today: Any = None,
) -> bool:
    """Whether ``membership`` may see the content of ``rating`` (``other`` is the other side's, if any):
    always their own side; another side only once submitted and revealed (``is_revealed``)."""
    if rating is None:
        return False
    if is_own(membership, relationship, rating.side, rating):
        return True
    if rating.status != RatingStatus.SUBMITTED:
        return False
    other_submitted = other is not None and other.status == RatingStatus.SUBMITTED
    return is_revealed(rating.quarter, submitted_sides=1 + other_submitted, today=today)


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
    def shown_to_all(self) -> bool:
        """The quarter's ratings are revealed to everyone (``is_revealed``), not only to their own side."""
        return is_revealed(self.quarter, submitted_sides=sum(view.submitted for view in self.sides))

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


def current_status(strip: list[dict[str, Any]]) -> dict[str, Any]:
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


def own_rating(*, relationship: Relationship, quarter: str, side: str) -> ChampionRating | None:
    """The rating of ``side`` that its own champion edits (with its author and scores), if saved yet.

    Only for the member ``side_for`` gave that side: its own side is always visible to them."""
    rating: ChampionRating | None = (
        ChampionRating.objects.filter(relationship=relationship, quarter=quarter, side=side)
        .select_related("champion__user")
        .prefetch_related("scores")
        .first()
    )
    return rating


def ratings_by_id(ids: Iterable[Any]) -> dict[Any, ChampionRating]:
    """Ratings already cleared by ``visible_rating_ids``, with their authors and scores (two queries)."""
    rows = ChampionRating.objects.filter(pk__in=list(ids)).select_related("champion__user").prefetch_related("scores")
    return {rating.pk: rating for rating in rows}


def dimensions_by_id() -> dict[Any, RatingDimension]:
    """Every rating dimension of the tenant, retired ones included (past scores point at them)."""
    return {d.pk: d for d in RatingDimension.objects.all()}


# --- Who still has to rate (the rating reminders) ---------------------------------------------


def ratings_due(quarter: str) -> list[tuple[Relationship, str, Membership]]:
    """Every (relationship, side, champion) whose side has not submitted its rating of ``quarter``,
    relationships by account. Says nothing of what anyone rated: reminders never reveal a rating."""
    submitted = set(
        ChampionRating.objects.filter(quarter=quarter, status=RatingStatus.SUBMITTED).values_list(
            "relationship_id", "side"
        )
    )
    relationships = Relationship.objects.select_related(
        "account", "supplier_champion__user", "customer_champion__user"
    ).order_by("account__name", "business_unit")
    return [
        (relationship, side, champion)
        for relationship in relationships
        for side, champion in champions(relationship)
        if (relationship.pk, side) not in submitted
    ]


def relationship_for(*, membership: Membership, pk: Any) -> Relationship | None:
    """The relationship ``pk`` as the member may see it (tenant and customer account), or None."""
    relationship_id = parse_uuid(pk)
    if relationship_id is None:
        return None
    relationship: Relationship | None = (
        Relationship.objects.visible_to(membership).select_related("account").filter(pk=relationship_id).first()
    )
    return relationship
