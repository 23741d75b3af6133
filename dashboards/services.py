"""Writes of the scorecard: metric templates, scorecards and their versions, quarterly results.

Every function is keyword-only and atomic, validates with ``full_clean()`` and checks the actor:
the role table (``core.permissions``) first, then *which* person of the relationship may act
(its supplier champion tailors, each champion signs their own side, a customer participant records
only the customer's figure of their own account). Bad input raises ``ValidationError`` (form errors
on pages, 400 in the API), a refused actor ``PermissionDenied`` (403). Nothing is written then.

Versioning: the newest version of a scorecard is the one being worked on. While it is a draft it
is changed in place (any change clears signatures already given: they agreed to other content).
Once it is agreed, a change first copies it to a new draft version (number + 1, ``valid_from`` the
current quarter or a given one) and changes the copy; the agreed version keeps governing the
quarters before the new one's ``valid_from`` until, and after, the new one is agreed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import quarters
from core.models import Membership, Role
from core.permissions import can
from core.service_helpers import require as _require
from core.service_helpers import save_validated as _save
from core.tenancy import current_tenant_id
from dashboards.defaults import METRIC_TEMPLATES
from dashboards.models import (
    Metric,
    MetricTemplate,
    QuarterlyResult,
    Scorecard,
    ScorecardVersion,
    VersionStatus,
)
from partnering.models import Relationship

#: The fields of a metric definition that templates and scorecard metrics share.
DEFINITION_FIELDS: Final = frozenset(
    {
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
    }
)
TEMPLATE_FIELDS: Final = DEFINITION_FIELDS | {"active"}
RESULT_VALUE_FIELDS: Final = ("supplier_value", "customer_value", "agreed_value")

CONFLICT_MESSAGE: Final = (
    "Someone else saved this result since you opened it. Their figures are shown now: "
    "check them, then save again to keep yours."
)


class _Unset:
    """Marks an argument that was not given (``None`` means "clear this figure")."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()


class ResultConflict(ValidationError):
    """A stale save of a result: someone saved it after the caller read it (code ``conflict``).

    ``current`` is the result as it is now, so a page or the API can show it next to the caller's.
    """

    def __init__(self, current: QuarterlyResult | None = None, message: str = CONFLICT_MESSAGE) -> None:
        super().__init__(message, code="conflict")
        self.current = current


# --- Helpers ----------------------------------------------------------------------------------


def _check_relationship(actor: Membership, relationship: Relationship) -> None:
    """The relationship must be of this tenant and, for a customer participant, of their account."""
    if relationship.tenant_id != current_tenant_id() or actor.tenant_id != current_tenant_id():
        raise PermissionDenied("Not found in this workspace.")
    if actor.is_customer and actor.customer_account_id != relationship.account_id:
        raise PermissionDenied("This is not your relationship.")


def _coerce(model: type[Any], fields: Mapping[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
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


def _check_quarter(value: str, field_name: str = "quarter") -> str:
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


def result_fields_for(actor: Membership) -> frozenset[str]:
    """The result fields the actor may set: a customer participant only the customer's figure;
    our people the supplier's figure, the agreed value and the note; an admin all of them."""
    if not can(actor, "results.record"):
        return frozenset()
    if actor.is_customer:
        return frozenset({"customer_value"})
    if actor.role == Role.ADMIN:
        return frozenset({"supplier_value", "customer_value", "agreed_value", "note"})
    return frozenset({"supplier_value", "agreed_value", "note"})


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
    for name, value in _coerce(MetricTemplate, fields, TEMPLATE_FIELDS).items():
        setattr(template, name, value)
    return _save(template)


@transaction.atomic
def metric_template_create(*, actor: Membership, key: str, name: str, goal: Any, **fields: Any) -> MetricTemplate:
    """Add a template (admins); ``key`` is its stable identifier."""
    _require(actor, "templates.manage")
    ensure_metric_templates()
    if MetricTemplate.objects.filter(key=key).exists():
        raise ValidationError({"key": f"A template with the key '{key}' already exists."})
    values = _coerce(MetricTemplate, {"name": name, "goal": goal, **fields}, TEMPLATE_FIELDS)
    if "position" not in values:
        last = MetricTemplate.objects.order_by("-position").values_list("position", flat=True).first()
        values["position"] = (last or 0) + 1
    return _save(MetricTemplate(key=key, **values))


# --- Scorecards and versions ------------------------------------------------------------------


def latest_version(scorecard: Scorecard) -> ScorecardVersion | None:
    """The newest version: the one being worked on (a draft) or the one in force (agreed)."""
    return ScorecardVersion.objects.filter(scorecard=scorecard).order_by("-number").first()


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


def _copy_metric(metric: MetricTemplate | Metric, version: ScorecardVersion) -> Metric:
    values = {name: getattr(metric, name) for name in DEFINITION_FIELDS}
    return Metric(tenant_id=version.tenant_id, version=version, key=metric.key, **values)


@transaction.atomic
def scorecard_create(
    *, actor: Membership, relationship: Relationship, valid_from: str | None = None, change_note: str = ""
) -> Scorecard:
    """The relationship's scorecard, version 1 as a draft copied from the active metric templates.

    ``valid_from`` defaults to the current quarter (pass an earlier one when entering history).
    Only an admin or the relationship's supplier champion sets a scorecard up."""
    _require(actor, "scorecards.define")
    _check_relationship(actor, relationship)
    if not can_define(actor, relationship):
        raise PermissionDenied("Only the relationship's champion on our side, or an admin, sets up its scorecard.")
    if Scorecard.objects.filter(relationship=relationship).exists():
        raise ValidationError({"relationship": "This relationship already has a scorecard."})
    quarter = _check_quarter(valid_from or quarters.current(), "valid_from")
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
    Metric.objects.bulk_create([_copy_metric(template, version) for template in templates])
    return scorecard


def _require_define(actor: Membership, scorecard: Scorecard) -> Relationship:
    _require(actor, "scorecards.define")
    relationship = scorecard.relationship
    _check_relationship(actor, relationship)
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
    versions = list(ScorecardVersion.objects.select_for_update().filter(scorecard=scorecard).order_by("-number"))
    if not versions:
        raise ValidationError("This scorecard has no version yet.")
    latest = versions[0]
    if valid_from is not None:
        _check_quarter(valid_from, "valid_from")
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
        Metric.objects.bulk_create([_copy_metric(m, draft) for m in Metric.objects.filter(version=latest)])
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
    values = _coerce(Metric, fields, DEFINITION_FIELDS)
    latest = latest_version(scorecard)
    current = Metric.objects.filter(version=latest, key=key).first() if latest else None
    if current is None:
        raise ValidationError({"key": f"There is no metric '{key}' on this scorecard."})
    if not _changes(current, values) and valid_from is None:
        return current
    draft = _draft_for_change(actor=actor, scorecard=scorecard, valid_from=valid_from, change_note=change_note)
    metric = Metric.objects.get(version=draft, key=key)
    for name, value in values.items():
        setattr(metric, name, value)
    return _save(metric)


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
    values = _coerce(Metric, {"name": name, "goal": goal, **fields}, DEFINITION_FIELDS)
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
    _check_relationship(actor, relationship)
    side = agree_side(actor, relationship)
    if side is None:
        raise PermissionDenied(
            "Only the two champions of this relationship agree its scorecard (an admin may sign for our side)."
        )
    version = ScorecardVersion.objects.select_for_update().filter(scorecard=scorecard).order_by("-number").first()
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


# --- Quarterly results ------------------------------------------------------------------------


@dataclass
class MetricKeys:
    """The metric keys each quarter's governing version defines, loaded once for many results
    (``MetricKeys.load(scorecard).has(quarter, key)``; two queries)."""

    scorecard: Scorecard
    versions: list[ScorecardVersion] = field(default_factory=list)
    keys: dict[Any, set[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, scorecard: Scorecard) -> MetricKeys:
        versions = list(ScorecardVersion.objects.filter(scorecard=scorecard))
        keys: dict[Any, set[str]] = {v.pk: set() for v in versions}
        for version_id, key in Metric.objects.filter(version__scorecard=scorecard).values_list("version_id", "key"):
            keys.setdefault(version_id, set()).add(key)
        return cls(scorecard=scorecard, versions=versions, keys=keys)

    def has(self, quarter: str, key: str) -> bool:
        version = governing_version(self.scorecard, quarter, versions=self.versions)
        return version is not None and key in self.keys.get(version.pk, set())


def _check_result_actor(actor: Membership, scorecard: Scorecard, given: Iterable[str]) -> None:
    _require(actor, "results.record")
    _check_relationship(actor, scorecard.relationship)
    forbidden = set(given) - result_fields_for(actor)
    if forbidden:
        if actor.is_customer:
            raise PermissionDenied("Customer participants record only the customer's figure.")
        if "customer_value" in forbidden:
            raise PermissionDenied("The customer's figure is recorded by the customer (or an admin).")
        raise PermissionDenied("Your role does not allow this.")


def _check_result_place(keys: MetricKeys, metric_key: str, quarter: str) -> None:
    _check_quarter(quarter)
    if quarter > quarters.current():
        raise ValidationError({"quarter": f"{quarter} has not started yet: record results for past quarters."})
    if not keys.has(quarter, metric_key):
        raise ValidationError(
            {"metric_key": f"Unknown metric '{metric_key}': it is not on the scorecard version that governs {quarter}."}
        )


def _record(
    *,
    actor: Membership,
    scorecard: Scorecard,
    metric_key: str,
    quarter: str,
    given: dict[str, Any],
    expected_row_version: int | None,
    keys: MetricKeys,
    skip_blank: bool = False,
    locked: dict[tuple[str, str], QuarterlyResult] | None = None,
) -> QuarterlyResult | None:
    """One result; ``locked``: the scorecard's rows already read with ``select_for_update``."""
    _check_result_actor(actor, scorecard, given)
    _check_result_place(keys, metric_key, quarter)
    values = _coerce(QuarterlyResult, given, set(RESULT_VALUE_FIELDS) | {"note"})
    if "note" in values:
        values["note"] = values["note"] or ""
    if locked is not None:
        row = locked.get((metric_key, quarter))
    else:
        row = (
            QuarterlyResult.objects.select_for_update()
            .filter(scorecard=scorecard, metric_key=metric_key, quarter=quarter)
            .first()
        )
    current_version = row.row_version if row is not None else 0
    if expected_row_version is not None and int(expected_row_version) != current_version:
        raise ResultConflict(current=row)
    if row is None:
        if skip_blank and not any(v not in (None, "") for v in values.values()):
            return None
        row = QuarterlyResult(scorecard=scorecard, metric_key=metric_key, quarter=quarter, row_version=0)
    elif not any(getattr(row, name) != value for name, value in values.items()):
        return row
    for name, value in values.items():
        setattr(row, name, value)
    row.row_version += 1
    row.updated_by = actor
    if row.tenant_id is None:
        row.tenant_id = current_tenant_id()
    # The scorecard and the actor were checked above and the row is locked (or new), so skip the
    # per-row lookups of full_clean that would only repeat that (it matters for a 5,000-row import).
    row.full_clean(exclude=["tenant", "scorecard", "updated_by"], validate_unique=False, validate_constraints=False)
    try:
        row.save()
    except IntegrityError as error:  # another save created the row between our read and write
        raise ResultConflict(current=None) from error
    return row


@transaction.atomic
def result_record(
    *,
    actor: Membership,
    scorecard: Scorecard,
    metric_key: str,
    quarter: str,
    supplier_value: Any = UNSET,
    customer_value: Any = UNSET,
    agreed_value: Any = UNSET,
    note: Any = UNSET,
    expected_row_version: int | None = None,
) -> QuarterlyResult:
    """Record figures of one metric for one quarter; only the arguments given are changed
    (``None`` clears a figure).

    * A customer participant (of the relationship's account) may set only ``customer_value``;
      anything else, ``agreed_value`` included, is ``PermissionDenied``.
    * Our people (admin, champion, rep) set ``supplier_value``, ``agreed_value`` and ``note``; the
      customer's figure belongs to the customer, only an admin may set it (e.g. from an e-mail).
    * ``metric_key`` must be on the version governing ``quarter``, which must not be in the future
      (``ValidationError`` otherwise).
    * ``expected_row_version``: the ``row_version`` the caller read (0 for a result that did not
      exist). If the row has changed since, ``ResultConflict`` (a ``ValidationError`` with code
      ``"conflict"``) is raised and nothing is saved. Every saving call bumps ``row_version``.
    """
    given = {
        name: value
        for name, value in (
            ("supplier_value", supplier_value),
            ("customer_value", customer_value),
            ("agreed_value", agreed_value),
            ("note", note),
        )
        if value is not UNSET
    }
    row = _record(
        actor=actor,
        scorecard=scorecard,
        metric_key=metric_key,
        quarter=quarter,
        given=given,
        expected_row_version=expected_row_version,
        keys=MetricKeys.load(scorecard),
    )
    assert row is not None
    return row


@transaction.atomic
def results_record_many(
    *, actor: Membership, scorecard: Scorecard, entries: Iterable[Mapping[str, Any]], skip_blank: bool = True
) -> list[QuarterlyResult]:
    """Record several results at once, all or nothing (the results page, the CSV import, the API).

    Each entry has ``metric_key``, ``quarter``, optionally ``expected_row_version`` and any of the
    value fields of ``result_record`` (absent = unchanged). With ``skip_blank`` an entry with only
    empty values creates no new row. Errors of every entry are collected and raised together as one
    ``ValidationError`` whose keys are the entries' positions (``"0"``, ``"1"``, …) with their
    messages; a conflict's message is ``CONFLICT_MESSAGE``. Nothing is saved then.
    """
    keys = MetricKeys.load(scorecard)
    entries = list(entries)
    wanted = {str(entry.get("quarter", "")) for entry in entries}
    locked = {
        (row.metric_key, row.quarter): row
        for row in QuarterlyResult.objects.select_for_update().filter(scorecard=scorecard, quarter__in=wanted)
    }
    saved: list[QuarterlyResult] = []
    errors: dict[str, list[str]] = {}
    for index, entry in enumerate(entries):
        given = {name: entry[name] for name in (*RESULT_VALUE_FIELDS, "note") if name in entry}
        try:  # no savepoint per entry: an entry's checks all run before its one write
            row = _record(
                actor=actor,
                scorecard=scorecard,
                metric_key=str(entry.get("metric_key", "")),
                quarter=str(entry.get("quarter", "")),
                given=given,
                expected_row_version=entry.get("expected_row_version"),
                keys=keys,
                skip_blank=skip_blank,
                locked=locked,
            )
        except ValidationError as error:
            errors[str(index)] = _flat_messages(error)
            if isinstance(error.__cause__, IntegrityError):
                break  # the failed write aborted the transaction: report what we have
            continue
        if row is not None:
            saved.append(row)
            locked[(row.metric_key, row.quarter)] = row
    if errors:
        raise ValidationError(errors)
    return saved


def _flat_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{name.replace('_', ' ')}: {m}" if name != "__all__" else m
            for name, ms in error.message_dict.items()
            for m in ms
        ]
    return list(error.messages)


def parse_decimal(text: str) -> Decimal | None:
    """A figure typed by a person or found in a CSV cell; empty → None; else ``ValidationError``."""
    text = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except ArithmeticError as error:
        raise ValidationError(f"'{text[:40]}' is not a number (use a dot for decimals, e.g. 97.5).") from error
    if not value.is_finite():
        raise ValidationError(f"'{text[:40]}' is not a number (use a dot for decimals, e.g. 97.5).")
    return value
