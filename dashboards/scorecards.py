"""The scorecards area: metric templates, scorecards, their versioned definitions and the two
champions' agreement (services and selectors).

Writes are keyword-only and atomic, validate with ``full_clean()`` and check the actor: the role
table (``core.permissions``) first, then *which* person of the relationship may act (its supplier
champion tailors, each champion signs their own side). Bad input raises ``ValidationError`` (form
errors on pages, 400 in the API), a refused actor ``PermissionDenied`` (403). Nothing is written then.

Versioning: the newest version of a scorecard is the one being worked on. While it is a draft it
is changed in place (any change clears signatures already given: they agreed to other content).
Once it is agreed, a change first copies it to a new draft version (number + 1, ``valid_from`` the
current quarter or a given one) and changes the copy; the agreed version keeps governing the
quarters before the new one's ``valid_from`` until, and after, the new one is agreed
(``governing_version``).

Reads start from the member's scope (``visible_to``, applied here once per model): the scorecard of
a relationship, its versions and their metrics, and the resolver that gives each quarter the
definitions that governed it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, Final

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core import quarters
from core.models import Membership, Role
from core.permissions import can
from core.service_helpers import model_update
from core.service_helpers import require as _require
from core.service_helpers import save_validated as _save
from core.tenancy import current_tenant_id
from dashboards import rules
from dashboards.defaults import METRIC_TEMPLATES
from dashboards.models import Metric, MetricTemplate, Scorecard, ScorecardVersion, VersionStatus
from partnering.models import Relationship

#: The fields of a metric definition that templates and scorecard metrics share: the one spelling
#: of this list (forms, serializers and the admin derive theirs from it).
DEFINITION_FIELDS: Final = (
    "name",
    "category",
    "unit",
    "direction",
    "goal",
    "yellow_band_pct",
    "tolerance",
    "basis_of_calculation",
    "data_source",
    "figure_owner",
    "position",
)
TEMPLATE_FIELDS: Final = (*DEFINITION_FIELDS, "active")


# --- Helpers ----------------------------------------------------------------------------------


def check_relationship(actor: Membership, relationship: Relationship) -> None:
    """The relationship must be of this tenant and, for a customer participant, of their account."""
    if relationship.tenant_id != current_tenant_id() or actor.tenant_id != current_tenant_id():
        raise PermissionDenied("Not found in this workspace.")
    if actor.is_customer and actor.customer_account_id != relationship.account_id:
        raise PermissionDenied("This is not your relationship.")


def coerce_fields(model: type[Any], fields: Mapping[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    """Fields converted by the model's own field types; unknown names and unparsable values → errors."""
    allowed = set(allowed)
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in allowed:
            errors[name] = ["This field cannot be changed here."]
            continue
        try:
            clean[name] = model._meta.get_field(name).to_python(value)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    return clean


def check_quarter(value: str, field_name: str = "quarter") -> str:
    try:
        quarters.parse(value)
    except ValidationError as error:
        raise ValidationError({field_name: error.messages}) from error
    return value


# --- Who may do what on a relationship's scorecard ---------------------------------------------


def can_define(actor: Membership, relationship: Relationship) -> bool:
    """Tailoring the definitions: an admin, or the relationship's supplier champion."""
    if not can(actor, "scorecards.define"):
        return False
    return actor.role == Role.ADMIN or (
        relationship.supplier_champion_id is not None and actor.pk == relationship.supplier_champion_id
    )


def agree_side(actor: Membership, relationship: Relationship) -> str | None:
    """The side the actor signs for: ``"supplier"`` (its supplier champion, or an admin), ``"customer"``
    (its customer champion), or None."""
    if not can(actor, "scorecards.agree"):
        return None
    if relationship.supplier_champion_id is not None and actor.pk == relationship.supplier_champion_id:
        return "supplier"
    if relationship.customer_champion_id is not None and actor.pk == relationship.customer_champion_id:
        return "customer" if actor.customer_account_id == relationship.account_id else None
    if actor.role == Role.ADMIN:
        return "supplier"
    return None


def champions(relationship: Relationship) -> list[tuple[str, Membership]]:
    """The relationship's named champions by side (``"supplier"``, ``"customer"``), for reminders."""
    pairs = [("supplier", relationship.supplier_champion), ("customer", relationship.customer_champion)]
    return [(side, member) for side, member in pairs if member is not None]


# --- Metric templates -------------------------------------------------------------------------


def ensure_metric_templates() -> list[MetricTemplate]:
    """The active tenant's metric templates; the default fourteen are created if it has none.

    Idempotent and safe when two requests race (conflicting inserts are ignored)."""
    if not MetricTemplate.objects.exists():
        tenant_id = current_tenant_id()
        MetricTemplate.objects.bulk_create(
            [
                MetricTemplate(tenant_id=tenant_id, position=index, **definition)
                for index, definition in enumerate(METRIC_TEMPLATES, start=1)
            ],
            ignore_conflicts=True,
        )
    return list(MetricTemplate.objects.order_by("position", "name"))


@transaction.atomic
def metric_template_update(*, actor: Membership, template: MetricTemplate, **fields: Any) -> MetricTemplate:
    """Edit a template (admins). Existing scorecards are not changed: they copied the template."""
    _require(actor, "templates.manage")
    if template.tenant_id != current_tenant_id():
        raise PermissionDenied("Not found in this workspace.")
    values = coerce_fields(MetricTemplate, fields, TEMPLATE_FIELDS)
    template, _changed = model_update(instance=template, data=values, allowed=TEMPLATE_FIELDS)
    return template


@transaction.atomic
def metric_template_create(*, actor: Membership, key: str, name: str, goal: Any, **fields: Any) -> MetricTemplate:
    """Add a template (admins); ``key`` is its stable identifier."""
    _require(actor, "templates.manage")
    ensure_metric_templates()
    if MetricTemplate.objects.filter(key=key).exists():
        raise ValidationError({"key": f"A template with the key '{key}' already exists."})
    values = coerce_fields(MetricTemplate, {"name": name, "goal": goal, **fields}, TEMPLATE_FIELDS)
    if "position" not in values:
        last = MetricTemplate.objects.order_by("-position").values_list("position", flat=True).first()
        values["position"] = (last or 0) + 1
    return _save(MetricTemplate(key=key, **values))


# --- Scorecards and versions ------------------------------------------------------------------


def latest_version(scorecard: Scorecard) -> ScorecardVersion | None:
    """The newest version: the one being worked on (a draft) or the one in force (agreed)."""
    version: ScorecardVersion | None = ScorecardVersion.objects.filter(scorecard=scorecard).order_by("-number").first()
    return version


def governing_version(
    scorecard: Scorecard, quarter: str, *, versions: Iterable[ScorecardVersion] | None = None
) -> ScorecardVersion | None:
    """The version whose definitions apply to ``quarter``.

    The ratified (agreed or superseded) version with the highest number whose ``valid_from`` is not
    after the quarter; a draft never governs while a ratified version exists. With no ratified
    version yet, the newest draft governs. Quarters before the first ``valid_from`` (history entered
    later) follow the oldest candidate. Pass ``versions`` (any order) to avoid a query.
    """
    pool = list(versions) if versions is not None else list(ScorecardVersion.objects.filter(scorecard=scorecard))
    if not pool:
        return None
    ratified = [v for v in pool if v.status != VersionStatus.DRAFT]
    candidates = ratified or [max(pool, key=lambda v: v.number)]
    eligible = [v for v in candidates if v.valid_from <= quarter]
    if eligible:
        return max(eligible, key=lambda v: v.number)
    return min(candidates, key=lambda v: v.number)


def copy_metric(metric: MetricTemplate | Metric, version: ScorecardVersion, *, position: int | None = None) -> Metric:
    """A new (unsaved) metric of ``version`` with ``metric``'s definition (optionally at another position)."""
    values = {name: getattr(metric, name) for name in DEFINITION_FIELDS}
    if position is not None:
        values["position"] = position
    return Metric(tenant_id=version.tenant_id, version=version, key=metric.key, **values)


@transaction.atomic
def scorecard_create(
    *, actor: Membership, relationship: Relationship, valid_from: str | None = None, change_note: str = ""
) -> Scorecard:
    """The relationship's scorecard, version 1 as a draft copied from the active metric templates.

    ``valid_from`` defaults to the current quarter (pass an earlier one when entering history).
    Only an admin or the relationship's supplier champion sets a scorecard up."""
    _require(actor, "scorecards.define")
    check_relationship(actor, relationship)
    if not can_define(actor, relationship):
        raise PermissionDenied("Only the relationship's champion on our side, or an admin, sets up its scorecard.")
    if Scorecard.objects.filter(relationship=relationship).exists():
        raise ValidationError({"relationship": "This relationship already has a scorecard."})
    quarter = check_quarter(valid_from or quarters.current(), "valid_from")
    templates = [t for t in ensure_metric_templates() if t.active]
    if not templates:
        raise ValidationError("There are no active metric templates: an admin must activate some first.")
    scorecard = _save(Scorecard(relationship=relationship))
    version = _save(
        ScorecardVersion(
            scorecard=scorecard,
            number=1,
            status=VersionStatus.DRAFT,
            valid_from=quarter,
            created_by=actor,
            change_note=change_note or "Created from the metric templates.",
        )
    )
    Metric.objects.bulk_create([copy_metric(template, version) for template in templates])
    return scorecard


def _require_define(actor: Membership, scorecard: Scorecard) -> Relationship:
    _require(actor, "scorecards.define")
    relationship = scorecard.relationship
    check_relationship(actor, relationship)
    if not can_define(actor, relationship):
        raise PermissionDenied("Only the relationship's champion on our side, or an admin, changes its definitions.")
    return relationship


def _clear_signatures(version: ScorecardVersion) -> None:
    version.supplier_agreed_by = version.customer_agreed_by = None
    version.supplier_agreed_at = version.customer_agreed_at = None


def _draft_for_change(
    *, actor: Membership, scorecard: Scorecard, valid_from: str | None, change_note: str
) -> ScorecardVersion:
    """The draft to change: the newest version if it is a draft, else a new copy of the agreed one."""
    versions: list[ScorecardVersion] = list(
        ScorecardVersion.objects.select_for_update().filter(scorecard=scorecard).order_by("-number")
    )
    if not versions:
        raise ValidationError("This scorecard has no version yet.")
    latest = versions[0]
    if valid_from is not None:
        check_quarter(valid_from, "valid_from")
    previous = next((v for v in versions if v.status != VersionStatus.DRAFT), None)
    if latest.status == VersionStatus.DRAFT:
        draft = latest
        if valid_from is not None:
            draft.valid_from = valid_from
    else:
        draft = ScorecardVersion(
            scorecard=scorecard,
            number=latest.number + 1,
            status=VersionStatus.DRAFT,
            valid_from=valid_from or max(quarters.current(), latest.valid_from),
            created_by=actor,
        )
    if previous is not None and previous is not draft and draft.valid_from < previous.valid_from:
        raise ValidationError(
            {
                "valid_from": f"A new version cannot start before {previous.valid_from}, "
                f"the first quarter of version {previous.number}."
            }
        )
    _clear_signatures(draft)
    if change_note:
        draft.change_note = f"{draft.change_note}\n{change_note}".strip()
    created = draft._state.adding
    _save(draft)
    if created:
        Metric.objects.bulk_create([copy_metric(m, draft) for m in Metric.objects.filter(version=latest)])
    return draft


def _changes(metric: Metric, values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if getattr(metric, name) != value}


@transaction.atomic
def metric_update(
    *,
    actor: Membership,
    scorecard: Scorecard,
    key: str,
    valid_from: str | None = None,
    change_note: str = "",
    **fields: Any,
) -> Metric:
    """Change one metric's definition (any of ``DEFINITION_FIELDS``) in the draft version.

    If the newest version is agreed, it is first copied to version N+1 (a draft that needs both
    champions' agreement again); the agreed one keeps governing earlier quarters. A call that
    changes nothing returns the metric as it is and starts no version."""
    _require_define(actor, scorecard)
    values = coerce_fields(Metric, fields, DEFINITION_FIELDS)
    latest = latest_version(scorecard)
    current: Metric | None = Metric.objects.filter(version=latest, key=key).first() if latest else None
    if current is None:
        raise ValidationError({"key": f"There is no metric '{key}' on this scorecard."})
    if not _changes(current, values) and valid_from is None:
        return current
    draft = _draft_for_change(actor=actor, scorecard=scorecard, valid_from=valid_from, change_note=change_note)
    metric: Metric = Metric.objects.get(version=draft, key=key)
    metric, _changed = model_update(instance=metric, data=values, allowed=DEFINITION_FIELDS)
    return metric


@transaction.atomic
def metric_add(
    *,
    actor: Membership,
    scorecard: Scorecard,
    key: str,
    name: str,
    goal: Any,
    valid_from: str | None = None,
    change_note: str = "",
    **fields: Any,
) -> Metric:
    """Add a metric to the draft version (starting version N+1 if the newest one is agreed)."""
    _require_define(actor, scorecard)
    values = coerce_fields(Metric, {"name": name, "goal": goal, **fields}, DEFINITION_FIELDS)
    key = (key or "").strip()
    latest = latest_version(scorecard)
    if latest is not None and Metric.objects.filter(version=latest, key=key).exists():
        raise ValidationError({"key": f"The scorecard already has a metric with the key '{key}'."})
    draft = _draft_for_change(actor=actor, scorecard=scorecard, valid_from=valid_from, change_note=change_note)
    if "position" not in values:
        last = Metric.objects.filter(version=draft).order_by("-position").values_list("position", flat=True).first()
        values["position"] = (last or 0) + 1
    return _save(Metric(version=draft, key=key, **values))


@transaction.atomic
def metric_remove(
    *, actor: Membership, scorecard: Scorecard, key: str, valid_from: str | None = None, change_note: str = ""
) -> ScorecardVersion:
    """Take a metric off the draft version (starting version N+1 if the newest one is agreed).

    Its results stay: they are still shown, with the old definition, for the quarters it governed."""
    _require_define(actor, scorecard)
    latest = latest_version(scorecard)
    if latest is None or not Metric.objects.filter(version=latest, key=key).exists():
        raise ValidationError({"key": f"There is no metric '{key}' on this scorecard."})
    draft = _draft_for_change(actor=actor, scorecard=scorecard, valid_from=valid_from, change_note=change_note)
    Metric.objects.filter(version=draft, key=key).delete()
    return draft


@transaction.atomic
def scorecard_agree(*, actor: Membership, scorecard: Scorecard) -> ScorecardVersion:
    """Sign the newest version for the actor's side; when both sides have signed it is agreed and
    the version agreed before it becomes superseded (it keeps governing its earlier quarters).

    The relationship's supplier champion (or an admin) signs our side, its customer champion the
    customer's side; anyone else gets ``PermissionDenied``."""
    _require(actor, "scorecards.agree")
    relationship = scorecard.relationship
    check_relationship(actor, relationship)
    side = agree_side(actor, relationship)
    if side is None:
        raise PermissionDenied(
            "Only the two champions of this relationship agree its scorecard (an admin may sign for our side)."
        )
    version: ScorecardVersion | None = (
        ScorecardVersion.objects.select_for_update().filter(scorecard=scorecard).order_by("-number").first()
    )
    if version is None:
        raise ValidationError("This scorecard has no version to agree.")
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(f"Version {version.number} is already agreed by both champions.")
    if not Metric.objects.filter(version=version).exists():
        raise ValidationError("A scorecard without metrics cannot be agreed: add at least one metric.")
    now = timezone.now()
    if side == "supplier":
        if version.supplier_agreed_by_id is not None:
            raise ValidationError(
                f"Our side has already agreed to version {version.number}; it waits for the customer champion."
            )
        version.supplier_agreed_by, version.supplier_agreed_at = actor, now
    else:
        if version.customer_agreed_by_id is not None:
            raise ValidationError(
                f"The customer side has already agreed to version {version.number}; it waits for our champion."
            )
        version.customer_agreed_by, version.customer_agreed_at = actor, now
    if version.supplier_agreed_by_id is not None and version.customer_agreed_by_id is not None:
        version.status = VersionStatus.AGREED
        ScorecardVersion.objects.filter(scorecard=scorecard, status=VersionStatus.AGREED).exclude(pk=version.pk).update(
            status=VersionStatus.SUPERSEDED
        )
    return _save(version)


# --- Reads ------------------------------------------------------------------------------------


def number(value: Decimal | None) -> str:
    """A figure as people write it: no trailing zeros, thousands separated ("50,000", "97.5")."""
    if value is None:
        return ""
    normal = value.normalize()
    if normal == normal.to_integral():
        normal = normal.quantize(Decimal(1))
    return f"{normal:,f}"


def plain(value: Decimal | None) -> str:
    """A figure as typed and exported: no trailing zeros, no thousands separators ("97.5"); "" for none."""
    return "" if value is None else format(value.normalize(), "f")


def yellow_threshold(metric: Metric) -> Decimal | None:
    """The edge between yellow and red (None without a yellow band), as ``rules.zone`` computes it."""
    if not metric.yellow_band_pct:
        return None
    margin = abs(metric.goal) * metric.yellow_band_pct / Decimal(100)
    return metric.goal - margin if metric.direction == rules.HIGHER else metric.goal + margin


def scorecard_for(*, membership: Membership, relationship: Relationship) -> Scorecard | None:
    """The relationship's scorecard as the member may see it (None if it has none, or is hidden)."""
    scorecard: Scorecard | None = Scorecard.objects.visible_to(membership).filter(relationship=relationship).first()
    return scorecard


def versions_of(*, membership: Membership, scorecard: Scorecard) -> list[ScorecardVersion]:
    """All versions, newest first, with the people who signed them (one query)."""
    return list(
        ScorecardVersion.objects.visible_to(membership)
        .filter(scorecard=scorecard)
        .select_related("supplier_agreed_by__user", "customer_agreed_by__user", "created_by__user")
        .order_by("-number")
    )


def version_of(*, membership: Membership, scorecard: Scorecard, number: int | None = None) -> ScorecardVersion | None:
    """Version ``number`` of the scorecard (default: the newest), as the member may see it."""
    versions = ScorecardVersion.objects.visible_to(membership).filter(scorecard=scorecard)
    version: ScorecardVersion | None = (
        versions.filter(number=number).first() if number is not None else versions.order_by("-number").first()
    )
    return version


def metrics_of(version: ScorecardVersion | None) -> QuerySet[Metric]:
    """A version's metrics in their order, each with its version (the caller has the version in scope)."""
    metrics: QuerySet[Metric] = (
        Metric.objects.filter(version=version).select_related("version").order_by("position", "name")
    )
    return metrics


def newest_metric(*, membership: Membership, scorecard: Scorecard, key: str) -> Metric | None:
    """The metric ``key`` of the newest version that has it, as the member may see it."""
    metric: Metric | None = (
        Metric.objects.visible_to(membership)
        .filter(version__scorecard=scorecard, key=key)
        .select_related("version")
        .order_by("-version__number")
        .first()
    )
    return metric


def metric_with_version(metric: Metric) -> Metric:
    """A metric a service just saved, read back with its version (for the API's answer)."""
    fresh: Metric = Metric.objects.select_related("version").get(pk=metric.pk)
    return fresh


def metrics_by_version(*, membership: Membership, scorecard: Scorecard) -> dict[Any, list[Metric]]:
    """Every version's metrics in their order (one query), keyed by version id."""
    out: dict[Any, list[Metric]] = {}
    for metric in (
        Metric.objects.visible_to(membership).filter(version__scorecard=scorecard).order_by("position", "name")
    ):
        out.setdefault(metric.version_id, []).append(metric)
    return out


def definitions_resolver(
    scorecard: Scorecard, versions: list[ScorecardVersion], metrics: dict[Any, list[Metric]]
) -> Callable[[str], dict[str, Metric]]:
    """``resolve(quarter)`` → {metric key: the definition governing that quarter}, cached."""
    cache: dict[Any, dict[str, Metric]] = {}

    def resolve(quarter: str) -> dict[str, Metric]:
        version = governing_version(scorecard, quarter, versions=versions)
        if version is None:
            return {}
        if version.pk not in cache:
            cache[version.pk] = {m.key: m for m in metrics.get(version.pk, [])}
        return cache[version.pk]

    return resolve


def definition_rows(metrics: Iterable[Metric]) -> list[dict[str, Any]]:
    """Metrics with their figures formatted for a table (goal, yellow edge, tolerance)."""
    return [
        {
            "metric": m,
            "goal": number(m.goal),
            "yellow": number(yellow_threshold(m)),
            "yellow_pct": number(m.yellow_band_pct),
            "tolerance": number(m.tolerance),
        }
        for m in metrics
    ]


def version_status_label(version: ScorecardVersion | None) -> str:
    if version is None:
        return "No scorecard yet"
    if version.status == VersionStatus.DRAFT:
        signed = [
            s
            for s, by in (("our side", version.supplier_agreed_by_id), ("the customer", version.customer_agreed_by_id))
            if by
        ]
        return f"Version {version.number} · draft" + (
            f", agreed by {signed[0]} so far" if signed else ", not agreed yet"
        )
    return f"Version {version.number} · {version.get_status_display().lower()}"
