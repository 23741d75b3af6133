"""Writes of the champion ratings: default dimensions, a champion's quarterly rating, dimension admin.

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
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import quarters
from core.models import Membership, Role
from core.permissions import can
from core.tenancy import current_tenant_id
from dashboards.models import ChampionRating, Color, RatingDimension, RatingScore, RatingStatus
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
    rating = (
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

    errors: dict[str, list[str]] = {}
    parsed, active = _parse_scores(scores, errors)
    overall_color = _color(overall, "overall", errors)
    avoid_stall = (avoid_stall or "").strip()
    if submit and not errors:
        missing = [d.name for pk, d in active.items() if pk not in parsed]
        if missing:
            errors["scores"] = [
                f"Choose a colour for every dimension before submitting (missing: {', '.join(missing)})."
            ]
            for pk in active:
                if pk not in parsed:
                    errors.setdefault(f"scores.{pk}", []).append("Choose a colour before submitting.")
        if overall_color is None:
            errors.setdefault("overall", []).append("Choose an overall colour before submitting.")
        if not avoid_stall:
            errors.setdefault("avoid_stall", []).append(
                "Say what we must do so the relationship does not stall before submitting."
            )
    if errors:
        raise ValidationError(errors)

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
    return rating


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

DIMENSION_FIELDS = {"name", "description", "position", "active"}


def _require_admin(actor: Membership) -> None:
    if not can(actor, "ratings.dimensions.manage"):
        raise PermissionDenied("Only admins may change the rating dimensions.")


def _save_dimension(dimension: RatingDimension, fields: dict[str, Any]) -> RatingDimension:
    unknown = set(fields) - DIMENSION_FIELDS
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in sorted(unknown)})
    for name, value in fields.items():
        setattr(dimension, name, value)
    dimension.name = (dimension.name or "").strip()
    if dimension.tenant_id is None:
        dimension.tenant_id = current_tenant_id()
    dimension.full_clean()
    dimension.save()
    return dimension


@transaction.atomic
def dimension_create(*, actor: Membership, name: str, **fields: Any) -> RatingDimension:
    _require_admin(actor)
    ensure_rating_dimensions()
    return _save_dimension(RatingDimension(), {"name": name, **fields})


@transaction.atomic
def dimension_update(*, actor: Membership, dimension: RatingDimension, **fields: Any) -> RatingDimension:
    """Rename, describe, reorder or retire (``active=False``) a dimension; past scores keep pointing at it."""
    _require_admin(actor)
    return _save_dimension(dimension, fields)
