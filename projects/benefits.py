"""Projects · benefits: services (writes) and selectors (reads) of this area.

A benefit is recorded by our people as an *estimate*; it counts as *validated* only when the
project's customer sponsor (a customer participant of the account) confirms it with an amount, or
*disputed* when they do not agree. Nobody internal can validate, admins included. An internal edit
of a validated (or disputed) benefit's amount, currency or period returns it to *estimated*.

``panel_context(project, membership)`` returns what the project page's ``benefits/_project_panel.html``
needs (a fixed number of queries, whatever the project's size).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core import quarters
from core.models import Membership, Role
from core.permissions import can
from core.service_helpers import check_same_tenant, model_update, require, save_validated
from dashboards.models import Metric, Scorecard
from dashboards.scorecards import governing_version
from projects.models import CURRENCIES, Benefit, BenefitKind, BenefitStatus, Project
from projects.projects import activity_record, check_in_workspace
from projects.workflow import announce, notify

CURRENCY_CODES = frozenset(code for code, _ in CURRENCIES)
#: Fields whose change sends a validated or disputed benefit back to the customer.
REVALIDATE_FIELDS = frozenset({"estimated_amount", "currency", "period_start", "period_end"})
EDITABLE_FIELDS = frozenset(
    {"kind", "description", "period_start", "period_end", "currency", "estimated_amount", "scorecard", "metric_key"}
)


# --- Validation helpers -----------------------------------------------------------------------


def parse_amount(value: Any, field: str) -> Decimal:
    """A money amount: a number ≥ 0 with at most 2 decimals (else a field error)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError({field: "Enter an amount."})
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip().replace(",", "")) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"'{value}' is not a number."}) from None
    if not amount.is_finite():
        raise ValidationError({field: f"'{value}' is not a number."})
    if amount < 0:
        raise ValidationError({field: "The amount cannot be negative."})
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise ValidationError({field: "Use at most 2 decimal places."})
    if amount >= Decimal("1e12"):
        raise ValidationError({field: "That amount is too large."})
    return amount.quantize(Decimal("0.01"))


def _parse_date(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ValidationError({field: "Enter a date like 2026-01-31."}) from None


def _check_currency(value: Any) -> str:
    code = str(value or "").strip().upper()
    if code not in CURRENCY_CODES:
        raise ValidationError(
            {"currency": f"Unknown currency '{value}'. Use one of: {', '.join(sorted(CURRENCY_CODES))}."}
        )
    return code


def relationship_scorecard(project: Project) -> Any:
    """The scorecard of the project's relationship, or None."""
    if project.relationship_id is None:
        return None
    return Scorecard.objects.filter(relationship_id=project.relationship_id).first()


def metric_choices(project: Project, scorecard: Any = None) -> list[tuple[str, str]]:
    """(key, name) of the metrics of the governing (current-quarter) version of the project's
    relationship scorecard; empty without a scorecard. Three queries at most."""
    scorecard = scorecard if scorecard is not None else relationship_scorecard(project)
    if scorecard is None:
        return []
    version = governing_version(scorecard, quarters.current())
    if version is None:
        return []
    return list(Metric.objects.filter(version=version).order_by("position", "name").values_list("key", "name"))


def _check_metric_link(benefit: Benefit, project: Project) -> None:
    scorecard, key = benefit.scorecard, (benefit.metric_key or "").strip()
    benefit.metric_key = key
    if scorecard is None and not key:
        return
    if scorecard is None:
        scorecard = relationship_scorecard(project)
        if scorecard is None:
            raise ValidationError(
                {"metric_key": "This project's relationship has no scorecard, so a benefit cannot be tied to a metric."}
            )
        benefit.scorecard = scorecard
    check_same_tenant(scorecard, "scorecard")
    if project.relationship_id is None or scorecard.relationship_id != project.relationship_id:
        raise ValidationError({"scorecard": "Choose the scorecard of this project's relationship."})
    if not key:
        raise ValidationError({"metric_key": "Choose the scorecard metric this benefit moves."})
    keys = {k for k, _ in metric_choices(project, scorecard)}
    if key not in keys:
        raise ValidationError({"metric_key": f"'{key}' is not a metric of this relationship's scorecard."})


def _clean_values(benefit: Benefit, project: Project) -> None:
    """Normalise and check amount, currency, period and metric; raises one ValidationError with every field."""
    errors: dict[str, list[str]] = {}
    for name, check in (
        ("estimated_amount", lambda v: parse_amount(v, "estimated_amount")),
        ("currency", _check_currency),
        ("period_start", lambda v: _parse_date(v, "period_start")),
        ("period_end", lambda v: _parse_date(v, "period_end")),
    ):
        try:
            setattr(benefit, name, check(getattr(benefit, name)))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    benefit.description = (benefit.description or "").strip()
    if not benefit.description:
        errors.setdefault("description", []).append("Say what the benefit is.")
    if benefit.kind not in BenefitKind.values:
        errors.setdefault("kind", []).append(f"Choose one of: {', '.join(BenefitKind.values)}.")
    if (
        "period_start" not in errors
        and "period_end" not in errors
        and isinstance(benefit.period_start, dt.date)
        and isinstance(benefit.period_end, dt.date)
        and benefit.period_end < benefit.period_start
    ):
        errors.setdefault("period_end", []).append("The period cannot end before it starts.")
    try:
        _check_metric_link(benefit, project)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _money(amount: Decimal | None, currency: str) -> str:
    return f"{currency} {amount:,.2f}" if amount is not None else "—"


# --- Services ---------------------------------------------------------------------------------


@transaction.atomic
def benefit_record(
    *,
    actor: Membership,
    project: Project,
    kind: str,
    description: str,
    period_start: Any,
    period_end: Any,
    currency: str,
    estimated_amount: Any,
    scorecard: Any = None,
    metric_key: str = "",
) -> Benefit:
    """Record an estimated benefit (our people); the customer sponsor is asked to confirm it."""
    require(actor, "benefits.record")
    check_in_workspace(actor, project)
    benefit = Benefit(
        project=project,
        kind=kind,
        description=description,
        period_start=period_start,
        period_end=period_end,
        currency=currency,
        estimated_amount=estimated_amount,
        scorecard=scorecard,
        metric_key=metric_key or "",
        status=BenefitStatus.ESTIMATED,
        created_by=actor,
    )
    _clean_values(benefit, project)
    save_validated(benefit)
    activity_record(
        project=project,
        actor=actor,
        verb="benefit.recorded",
        summary=f"{actor.user.display_name} recorded a benefit: {benefit.description} "
        f"({_money(benefit.estimated_amount, benefit.currency)} estimated)",
    )
    notify(
        recipients=[project.customer_sponsor],
        project=project,
        verb="benefit.validate",
        message=f"Please confirm the benefit “{benefit.description}” of {project.title} "
        f"({_money(benefit.estimated_amount, benefit.currency)} estimated).",
        actor=actor,
    )
    return benefit


@transaction.atomic
def benefit_update(*, actor: Membership, benefit: Benefit, **fields: Any) -> Benefit:
    """Change a benefit (our people). Changing the amount, currency or period of a validated or
    disputed benefit returns it to *estimated* and clears the customer's validation. A refused
    change leaves ``benefit`` as it was (``model_update``)."""
    require(actor, "benefits.record")
    project = benefit.project
    check_in_workspace(actor, project)
    before = {name: getattr(benefit, name) for name in REVALIDATE_FIELDS}
    confirmed = benefit.status != BenefitStatus.ESTIMATED

    def prepare(row: Benefit) -> None:
        if "scorecard" in fields and fields["scorecard"] is None and "metric_key" not in fields:
            row.metric_key = ""
        _clean_values(row, project)
        if confirmed and any(getattr(row, name) != before[name] for name in REVALIDATE_FIELDS):
            row.status = BenefitStatus.ESTIMATED
            row.validated_amount = None
            row.validated_by = None
            row.validated_at = None

    model_update(instance=benefit, data=fields, allowed=EDITABLE_FIELDS, prepare=prepare)
    changed = sorted(name for name in REVALIDATE_FIELDS if getattr(benefit, name) != before[name])
    if confirmed and changed:
        summary = (
            f"{actor.user.display_name} changed the {', '.join(n.replace('_', ' ') for n in changed)} of the benefit "
            f"“{benefit.description}”; it is estimated again and needs the customer sponsor's confirmation"
        )
        notify(
            recipients=[project.customer_sponsor],
            project=project,
            verb="benefit.validate",
            message=f"The benefit “{benefit.description}” of {project.title} changed: please confirm it again.",
            actor=actor,
        )
    else:
        summary = f"{actor.user.display_name} updated the benefit “{benefit.description}”"
    activity_record(project=project, actor=actor, verb="benefit.updated", summary=summary)
    return benefit


def _check_sponsor(actor: Membership, benefit: Benefit) -> Project:
    require(actor, "benefits.validate")
    project = benefit.project
    check_in_workspace(actor, project)
    if (
        not actor.is_customer
        or project.customer_sponsor_id is None
        or actor.pk != project.customer_sponsor_id
        or actor.customer_account_id != project.customer_account_id
    ):
        raise PermissionDenied("Only the project's customer sponsor can validate or dispute its benefits.")
    return project


#: What the customer sponsor's answer sets on a benefit.
SPONSOR_FIELDS = ("status", "validated_amount", "validated_by", "validated_at", "customer_comment")


def _sponsor_says(benefit: Benefit, **values: Any) -> None:
    """Record the sponsor's answer (now); a refused one leaves ``benefit`` as it was."""
    model_update(instance=benefit, data={**values, "validated_at": timezone.now()}, allowed=SPONSOR_FIELDS)


@transaction.atomic
def benefit_validate(*, actor: Membership, benefit: Benefit, validated_amount: Any, comment: str = "") -> Benefit:
    """The customer sponsor confirms a benefit with the amount they agree to."""
    project = _check_sponsor(actor, benefit)
    amount = parse_amount(validated_amount, "validated_amount")
    _sponsor_says(
        benefit,
        status=BenefitStatus.VALIDATED,
        validated_amount=amount,
        validated_by=actor,
        customer_comment=(comment or "").strip(),
    )
    announce(
        project=project,
        actor=actor,
        verb="benefit.validated",
        summary=f"{actor.user.display_name} validated the benefit “{benefit.description}” at "
        f"{_money(amount, benefit.currency)}",
        recipients=[project.lead],
        message=f"{actor.user.display_name} validated “{benefit.description}” ({_money(amount, benefit.currency)}).",
    )
    return benefit


@transaction.atomic
def benefit_dispute(*, actor: Membership, benefit: Benefit, comment: str) -> Benefit:
    """The customer sponsor does not agree with a benefit; they must say why."""
    project = _check_sponsor(actor, benefit)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "Say what you do not agree with, so the team can correct it."})
    _sponsor_says(
        benefit, status=BenefitStatus.DISPUTED, validated_amount=None, validated_by=actor, customer_comment=comment
    )
    announce(
        project=project,
        actor=actor,
        verb="benefit.disputed",
        summary=f"{actor.user.display_name} disputed the benefit “{benefit.description}”",
        recipients=[project.lead],
        message=f"{actor.user.display_name} disputed “{benefit.description}”: {comment}",
    )
    return benefit


def can_delete(actor: Membership, benefit: Benefit) -> bool:
    if not can(actor, "benefits.record"):
        return False
    return benefit.status != BenefitStatus.VALIDATED or actor.role == Role.ADMIN


@transaction.atomic
def benefit_delete(*, actor: Membership, benefit: Benefit) -> None:
    """Delete a benefit (our people); a customer-validated one only by an admin."""
    require(actor, "benefits.record")
    project = benefit.project
    check_in_workspace(actor, project)
    if not can_delete(actor, benefit):
        raise PermissionDenied("A benefit the customer validated can be deleted by an admin only.")
    description = benefit.description
    benefit.delete()
    activity_record(
        project=project,
        actor=actor,
        verb="benefit.deleted",
        summary=f"{actor.user.display_name} deleted the benefit “{description}”",
    )


# --- Selectors --------------------------------------------------------------------------------


def benefits_for(membership: Membership) -> QuerySet[Benefit]:
    """Benefits of the projects the member may see."""
    rows: QuerySet[Benefit] = Benefit.objects.visible_to(membership)
    return rows


def benefits_of(project: Project) -> list[Benefit]:
    return list(
        Benefit.objects.filter(project=project)
        .select_related("validated_by__user")
        .order_by("period_start", "created_at")
    )


def benefit_totals(benefits: Iterable[Benefit]) -> list[dict[str, Any]]:
    """Per currency: estimated (all benefits) and validated (validated ones only), by currency code."""
    totals: dict[str, dict[str, Any]] = {}
    for benefit in benefits:
        row = totals.setdefault(
            benefit.currency,
            {"currency": benefit.currency, "estimated": Decimal("0.00"), "validated": Decimal("0.00"), "count": 0},
        )
        row["estimated"] += benefit.estimated_amount
        row["count"] += 1
        if benefit.status == BenefitStatus.VALIDATED and benefit.validated_amount is not None:
            row["validated"] += benefit.validated_amount
    return [totals[code] for code in sorted(totals)]


def is_sponsor(project: Project, membership: Membership) -> bool:
    return (
        membership.is_customer
        and project.customer_sponsor_id is not None
        and project.customer_sponsor_id == membership.pk
        and membership.customer_account_id == project.customer_account_id
    )


def panel_context(project: Project, membership: Membership) -> dict[str, Any]:
    benefits = benefits_of(project)
    metric_names: dict[str, str] = dict(metric_choices(project)) if any(b.metric_key for b in benefits) else {}
    for benefit in benefits:
        benefit.metric_name = metric_names.get(benefit.metric_key, benefit.metric_key)  # type: ignore[attr-defined]
    return {
        "benefits_rows": benefits,
        "benefits_totals": benefit_totals(benefits),
        "benefits_can_record": can(membership, "benefits.record"),
        "benefits_is_sponsor": is_sponsor(project, membership),
        "benefits_sponsor_missing": project.customer_sponsor_id is None,
    }
