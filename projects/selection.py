"""Projects · selection: scoring candidates with the customer, the ranked candidate list and the
tenant's projects settings (weights, flags, attachments, belt rules).

The score of a project: every scorer rates five criteria 1–5 (effort inverted, 6 − effort); per
criterion the mean over all scorers is taken, the criteria are combined with the tenant's weights
(``ProjectsSettings.weight_*``) into a weighted mean ``m`` in 1…5, and scaled to 0–100 as
``(m − 1) / 4 × 100`` (all 1s → 0, all 5s → 100). All weights 0, or no scores → ``None``.

``panel_context(project, membership)`` feeds ``selection/_project_panel.html`` with a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, BooleanField, Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When

from core.models import Membership, Role
from core.permissions import can
from core.service_helpers import model_update, require, save_validated
from projects.models import CURRENCIES, OPEN_PHASES, Criterion, Phase, Project, ProjectsSettings, SelectionScore
from projects.projects import activity_record, check_in_workspace, projects_for, settings_for_tenant

CRITERIA: list[str] = [c.value for c in Criterion]
WEIGHT_FIELDS: dict[str, str] = {c: f"weight_{c}" for c in CRITERIA}

SETTINGS_FIELDS = frozenset(
    {
        *WEIGHT_FIELDS.values(),
        "stalled_after_days",
        "long_running_days",
        "attachment_max_mb",
        "default_currency",
        "green_belt_closed_projects",
        "green_belt_requires_validated_benefits",
        "black_belt_closed_projects",
        "black_belt_requires_green_belt",
    }
)


def _two(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def weighted_score(means: dict[str, Any], settings: ProjectsSettings) -> Decimal | None:
    """0–100 from per-criterion means (raw, effort *not yet* inverted); None without data or weights."""
    total_weight = 0
    total = Decimal(0)
    for criterion in CRITERIA:
        mean = means.get(criterion)
        if mean is None:
            return None
        value = Decimal(str(mean))
        if criterion == Criterion.EFFORT:
            value = Decimal(6) - value
        weight = getattr(settings, WEIGHT_FIELDS[criterion])
        total_weight += weight
        total += value * weight
    if total_weight == 0:
        return None
    mean_score = total / total_weight
    return _two((mean_score - 1) / 4 * 100)


def score_of(scores: Iterable[SelectionScore], settings: ProjectsSettings) -> Decimal | None:
    """The score of one project from its score rows, without a query: the per-criterion means
    weighted by ``weighted_score`` (what ``score_recompute`` stores). None without rows."""
    rows = list(scores)
    if not rows:
        return None
    means = {c: Decimal(sum(getattr(row, c) for row in rows)) / len(rows) for c in CRITERIA}
    return weighted_score(means, settings)


def _means_by_project(project_ids: list[Any]) -> dict[Any, dict[str, Any]]:
    rows = (
        SelectionScore.objects.filter(project_id__in=project_ids)
        .values("project_id")
        .annotate(**{c: Avg(c) for c in CRITERIA})
    )
    return {row["project_id"]: dict(row) for row in rows}


def score_recompute(project: Project, settings: ProjectsSettings | None = None) -> Decimal | None:
    settings = settings or settings_for_tenant()
    means = _means_by_project([project.pk]).get(project.pk, {})
    project.selection_score = weighted_score(means, settings)
    Project.objects.filter(pk=project.pk).update(selection_score=project.selection_score)
    return project.selection_score


def scores_recompute_all(settings: ProjectsSettings | None = None) -> int:
    """Recompute every scored project of the tenant (after the weights change). Two queries + one update."""
    settings = settings or settings_for_tenant()
    projects = list(
        Project.objects.filter(Q(selection_score__isnull=False) | Q(selection_scores__isnull=False)).distinct()
    )
    means = _means_by_project([p.pk for p in projects])
    for project in projects:
        project.selection_score = weighted_score(means.get(project.pk, {}), settings)
    Project.objects.bulk_update(projects, ["selection_score"])
    return len(projects)


def can_score(membership: Membership, project: Project) -> bool:
    """Internal members score any project of the tenant; customers only their own account's; open only."""
    if not can(membership, "projects.score") or project.phase not in OPEN_PHASES:
        return False
    if membership.is_customer:
        return membership.customer_account_id == project.customer_account_id
    return True


def _parse_score(name: str, value: Any) -> int:
    if isinstance(value, bool):
        raise ValidationError({name: "Give a whole number from 1 to 5."})
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        raise ValidationError({name: "Give a whole number from 1 to 5."}) from None
    if not 1 <= number <= 5:
        raise ValidationError({name: "Give a whole number from 1 to 5."})
    return number


@transaction.atomic
def score_submit(
    *,
    actor: Membership,
    project: Project,
    customer_value: Any,
    buy_in: Any,
    durability: Any,
    effort: Any,
    data_availability: Any,
    comment: str = "",
) -> SelectionScore:
    """Create or update the actor's own score of ``project`` and recompute the project's score."""
    require(actor, "projects.score")
    check_in_workspace(actor, project)
    if actor.is_customer and actor.customer_account_id != project.customer_account_id:
        raise PermissionDenied("You can score only your own account's projects.")
    if project.phase not in OPEN_PHASES:
        raise ValidationError({"__all__": "Closed and cancelled projects are no longer scored."})
    values = {
        "customer_value": customer_value,
        "buy_in": buy_in,
        "durability": durability,
        "effort": effort,
        "data_availability": data_availability,
    }
    errors: dict[str, list[str]] = {}
    parsed: dict[str, int] = {}
    for name, value in values.items():
        try:
            parsed[name] = _parse_score(name, value)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    score: SelectionScore | None = (
        SelectionScore.objects.select_for_update().filter(project=project, scorer=actor).first()
    )
    created = score is None
    if score is None:
        score = SelectionScore(project=project, scorer=actor)
    for name, value in parsed.items():
        setattr(score, name, value)
    score.comment = (comment or "").strip()
    save_validated(score)
    score_recompute(project)
    side = "the customer" if actor.is_customer else "our side"
    activity_record(
        project=project,
        actor=actor,
        verb="selection.scored",
        summary=f"{actor.user.display_name} {'scored' if created else 'updated their score of'} the project ({side})",
    )
    return score


def selection_summary(project: Project) -> dict[str, Any]:
    """Supplier and customer averages per criterion, counts and the overall score (one query)."""
    customer = Q(scorer__role=Role.CUSTOMER)
    supplier = ~customer
    aggregates: dict[str, Any] = {
        "n_supplier": Count("pk", filter=supplier),
        "n_customer": Count("pk", filter=customer),
    }
    for c in CRITERIA:
        aggregates[f"s_{c}"] = Avg(c, filter=supplier)
        aggregates[f"c_{c}"] = Avg(c, filter=customer)
        aggregates[f"a_{c}"] = Avg(c)
    row = SelectionScore.objects.filter(project=project).aggregate(**aggregates)
    labels = dict(Criterion.choices)

    def rounded(value: Any) -> Decimal | None:
        return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def pct(value: Any) -> int:
        return 0 if value is None else round(float(value) / 5 * 100)

    criteria = [
        {
            "key": c,
            "label": labels[c],
            "supplier": rounded(row[f"s_{c}"]),
            "customer": rounded(row[f"c_{c}"]),
            "overall": rounded(row[f"a_{c}"]),
            "supplier_pct": pct(row[f"s_{c}"]),
            "customer_pct": pct(row[f"c_{c}"]),
            "inverted": c == Criterion.EFFORT,
        }
        for c in CRITERIA
    ]
    return {
        "criteria": criteria,
        "supplier_count": row["n_supplier"],
        "customer_count": row["n_customer"],
        "count": row["n_supplier"] + row["n_customer"],
        "overall": project.selection_score,
    }


def own_score(project: Project, membership: Membership) -> SelectionScore | None:
    score: SelectionScore | None = SelectionScore.objects.filter(project=project, scorer=membership).first()
    return score


def panel_context(project: Project, membership: Membership) -> dict[str, Any]:
    """What ``selection/_project_panel.html`` needs: two queries."""
    return {
        "selection_summary": selection_summary(project),
        "selection_own": own_score(project, membership),
        "selection_can_score": can_score(membership, project),
        "selection_prominent": project.phase == Phase.CANDIDATE,
    }


def candidates_ranked(membership: Membership) -> QuerySet[Project]:
    """Open candidates the member may see, best score first (unscored last), with scorer counts."""
    customer_scores = SelectionScore.objects.filter(project=OuterRef("pk"), scorer__role=Role.CUSTOMER)
    return (
        projects_for(membership)
        .filter(phase=Phase.CANDIDATE)
        .annotate(
            scorer_count=Count("selection_scores", distinct=True),
            customer_scorer_count=Count(
                "selection_scores", filter=Q(selection_scores__scorer__role=Role.CUSTOMER), distinct=True
            ),
            has_customer_score=Exists(customer_scores),
            customer_value_avg=Avg(
                "selection_scores__customer_value", filter=Q(selection_scores__scorer__role=Role.CUSTOMER)
            ),
            own_scored=Exists(SelectionScore.objects.filter(project=OuterRef("pk"), scorer=membership)),
        )
        .order_by(F("selection_score").desc(nulls_last=True), "-created_at")
    )


def candidates_with_sides(membership: Membership) -> list[Project]:
    """``candidates_ranked`` with ``customer_score`` and ``supplier_score`` (0–100 each side) attached."""
    settings = settings_for_tenant()
    candidates = list(candidates_ranked(membership))
    ids = [p.pk for p in candidates]
    rows = (
        SelectionScore.objects.filter(project_id__in=ids)
        .annotate(
            is_customer=Case(
                When(scorer__role=Role.CUSTOMER, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .values("project_id", "is_customer")
        .annotate(**{c: Avg(c) for c in CRITERIA})
    )
    sides: dict[tuple[Any, bool], dict[str, Any]] = {(r["project_id"], r["is_customer"]): dict(r) for r in rows}
    for project in candidates:
        project.customer_score = weighted_score(sides.get((project.pk, True), {}), settings)  # type: ignore[attr-defined]
        project.supplier_score = weighted_score(sides.get((project.pk, False), {}), settings)  # type: ignore[attr-defined]
    return candidates


# --- Settings ---------------------------------------------------------------------------------


def check_currency(settings: ProjectsSettings) -> None:
    """The default currency is one of the listed ISO codes (normalised to upper case)."""
    settings.default_currency = (settings.default_currency or "").strip().upper()
    if settings.default_currency not in dict(CURRENCIES):
        raise ValidationError({"default_currency": "Choose one of the listed currencies."})


@transaction.atomic
def settings_update(*, actor: Membership, **fields: Any) -> ProjectsSettings:
    """Change the tenant's projects settings (admin). New weights recompute every scored project."""
    require(actor, "projects.settings.manage")
    settings: ProjectsSettings = ProjectsSettings.objects.select_for_update().get(pk=settings_for_tenant().pk)
    _, changed = model_update(
        instance=settings,
        data=fields,
        allowed=SETTINGS_FIELDS,
        prepare=check_currency if "default_currency" in fields else None,
    )
    if set(changed) & set(WEIGHT_FIELDS.values()):
        scores_recompute_all(settings)
    return settings
