"""Back office · analyses: services, selectors and the project's Analyze panel.

An analysis is a row (kind, chosen columns, the data-set version) plus a job that runs the engine on
the heavy queue (``stats_backoffice/jobs.py``). Parameters are column names picked from the version's
columns, checked here against their types; there is no formula string anywhere (patsy formulas
evaluate Python: pydata/patsy#7).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.jobs import job_can_cancel, job_cancel, job_enqueue
from core.models import Membership
from core.service_helpers import require, save_validated
from projects.models import ChecklistItem, Phase, Project
from projects.projects import activity_record, check_in_workspace
from projects.workflow import checklist_toggle
from stats_backoffice.datasets import datasets_for, internal_filter, latest_versions
from stats_backoffice.models import Analysis, AnalysisKind, DataSetVersion

ANALYSIS_KIND = "stats.analysis"
MAX_POLY_DEGREE = 10
MAX_PREDICTORS = 200  # this kinds; wide data (part 2) gets its own selection tools

# --- Selectors ----------------------------------------------------------------------------------


def analyses_for(membership: Membership) -> QuerySet[Analysis]:
    rows: QuerySet[Analysis] = (
        Analysis.objects.visible_to(membership)
        .filter(internal_filter(membership, "version__dataset__"))
        .select_related("version__dataset", "project", "job", "created_by__user", "attached_item")
    )
    return rows


def kinds_for(version: DataSetVersion) -> list[tuple[str, str]]:
    """The kinds that fit the version's columns (logistic only with a two-valued column, ANOVA only
    with a categorical one)."""
    kinds = version.column_kinds()
    numeric = [name for name, kind in kinds.items() if kind == "numeric"]
    fits = {AnalysisKind.DESCRIBE: bool(numeric), AnalysisKind.OLS: len(numeric) >= 1 and len(kinds) >= 2}
    fits[AnalysisKind.LOGIT] = bool(binary_columns(version)) and len(kinds) >= 2
    fits[AnalysisKind.ANOVA] = bool(numeric) and any(kind == "categorical" for kind in kinds.values())
    return [(kind.value, kind.label) for kind in AnalysisKind if fits[kind]]


def binary_columns(version: DataSetVersion) -> list[str]:
    """Columns with exactly two distinct values (a logistic response)."""
    stats = (version.profile or {}).get("columns", {})
    out = []
    for column in version.columns or []:
        info = stats.get(column["name"], {}) if isinstance(stats, dict) else {}
        if info.get("distinct") == 2:
            out.append(column["name"])
    return out


# --- Parameter checks ---------------------------------------------------------------------------


def _names(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValidationError("Give a list of column names.")
    return list(dict.fromkeys(value))


def _require_columns(names: list[str], kinds: dict[str, str], field: str, allowed: tuple[str, ...]) -> None:
    for name in names:
        if name not in kinds:
            raise ValidationError({field: f"There is no column “{name}” in this data set."})
        if kinds[name] not in allowed:
            raise ValidationError({field: f"“{name}” is {kinds[name]}: choose a {' or '.join(allowed)} column."})


def _clean_poly(raw: Any, kinds: dict[str, str]) -> dict[str, int]:
    if not raw:
        return {}
    if not isinstance(raw, dict):
        raise ValidationError({"poly": "Give the polynomial terms as column: degree."})
    poly: dict[str, int] = {}
    for name, degree in raw.items():
        _require_columns([name], kinds, "poly", ("numeric",))
        try:
            value = int(degree)
        except (TypeError, ValueError):
            raise ValidationError({"poly": f"The degree of “{name}” must be a whole number."}) from None
        if not 1 <= value <= MAX_POLY_DEGREE:
            raise ValidationError({"poly": f"The degree of “{name}” must be between 1 and {MAX_POLY_DEGREE}."})
        if value > 1:
            poly[name] = value
    return poly


def _clean_interactions(raw: Any, x: list[str], kinds: dict[str, str]) -> list[list[str]]:
    pairs: list[list[str]] = []
    for pair in raw or []:
        if not isinstance(pair, list | tuple) or len(pair) != 2 or pair[0] == pair[1]:
            raise ValidationError({"interactions": "An interaction is a pair of two different predictors."})
        for name in pair:
            if name not in x:
                raise ValidationError({"interactions": f"“{name}” must be one of the predictors to interact."})
        if kinds[pair[0]] != "numeric" and kinds[pair[1]] != "numeric":
            raise ValidationError({"interactions": "At least one column of an interaction must be numeric."})
        if sorted(pair) not in [sorted(p) for p in pairs]:
            pairs.append([str(pair[0]), str(pair[1])])
    return pairs


def _clean_reference(raw: Any, x: list[str], version: DataSetVersion) -> dict[str, str]:
    levels = {c["name"]: c.get("levels") or [] for c in version.columns or []}
    reference: dict[str, str] = {}
    for name, level in (raw or {}).items():
        if name not in x:
            raise ValidationError({"reference": f"“{name}” is not a chosen predictor."})
        if levels.get(name) and level not in levels[name]:
            raise ValidationError({"reference": f"“{level}” is not a level of “{name}”."})
        reference[name] = str(level)
    return reference


def _clean_model(version: DataSetVersion, params: dict[str, Any], kinds: dict[str, str], kind: str) -> dict[str, Any]:
    y = params.get("y")
    if not isinstance(y, str) or not y:
        raise ValidationError({"y": "Choose the response column."})
    _require_columns([y], kinds, "y", ("numeric", "categorical") if kind == AnalysisKind.LOGIT else ("numeric",))
    if kind == AnalysisKind.LOGIT and y not in binary_columns(version):
        raise ValidationError(
            {"y": f"“{y}” does not have exactly two values: logistic regression needs a binary response."}
        )
    try:
        x = [name for name in _names(params.get("x")) if name != y]
    except ValidationError:
        raise ValidationError({"x": "Give the predictors as a list of column names."}) from None
    _require_columns(x, kinds, "x", ("numeric", "categorical"))
    poly = _clean_poly(params.get("poly"), kinds)
    for name in poly:
        if name == y:
            raise ValidationError({"poly": "The response cannot also be a polynomial predictor."})
        if name not in x:
            x.append(name)
    if not x:
        raise ValidationError({"x": "Choose at least one predictor."})
    if len(x) > MAX_PREDICTORS:
        raise ValidationError({"x": f"Choose at most {MAX_PREDICTORS} predictors."})
    cleaned: dict[str, Any] = {
        "y": y,
        "x": x,
        "poly": poly,
        "interactions": _clean_interactions(params.get("interactions"), x, kinds),
        "reference": _clean_reference(params.get("reference"), x, version),
        "intercept": params.get("intercept", True) not in (False, "false", "0", 0),
    }
    if kind == AnalysisKind.LOGIT:
        cleaned["cutoff"] = _cutoff(params.get("cutoff", 0.5))
    return cleaned


def _cutoff(raw: Any) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ValidationError({"cutoff": "The cut-off is a probability between 0 and 1."}) from None
    if not 0 < value < 1:
        raise ValidationError({"cutoff": "The cut-off is a probability between 0 and 1."})
    return value


def clean_params(version: DataSetVersion, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """Check ``params`` against the version's columns and their types; return what the engine gets."""
    if kind not in AnalysisKind.values:
        raise ValidationError({"kind": "Choose one of the analyses offered."})
    if not isinstance(params, dict):
        raise ValidationError({"params": "Give the parameters as named values."})
    kinds = version.column_kinds()
    if kind == AnalysisKind.DESCRIBE:
        columns = _names(params.get("columns") or params.get("y"))
        if not columns:
            columns = [name for name, k in kinds.items() if k == "numeric"][:50]
        _require_columns(columns, kinds, "columns", ("numeric",))
        return {"columns": columns}
    if kind == AnalysisKind.ANOVA:
        y, factor = params.get("y"), params.get("factor")
        if not isinstance(y, str) or not y:
            raise ValidationError({"y": "Choose the response column."})
        if not isinstance(factor, str) or not factor:
            raise ValidationError({"factor": "Choose the factor (the column that names the groups)."})
        _require_columns([y], kinds, "y", ("numeric",))
        _require_columns([factor], kinds, "factor", ("categorical", "numeric"))
        return {"y": y, "factor": factor}
    return _clean_model(version, params, kinds, kind)


# --- Services -----------------------------------------------------------------------------------


def _default_title(kind: str, params: dict[str, Any]) -> str:
    label = AnalysisKind(kind).label
    if kind == AnalysisKind.DESCRIBE:
        return f"{label}: {', '.join(params['columns'][:4])}{'…' if len(params['columns']) > 4 else ''}"[:200]
    if kind == AnalysisKind.ANOVA:
        return f"{label}: {params['y']} by {params['factor']}"[:200]
    return f"{label}: {params['y']} on {', '.join(params['x'][:4])}{'…' if len(params['x']) > 4 else ''}"[:200]


@transaction.atomic
def analysis_start(
    *,
    actor: Membership,
    version: DataSetVersion,
    kind: str,
    params: dict[str, Any],
    title: str = "",
    rerun_of: Analysis | None = None,
) -> Analysis:
    """Check the parameters, create the analysis and queue its job on the heavy queue."""
    require(actor, "analyses.run")
    dataset = version.dataset
    check_in_workspace(actor, dataset.project, own_account=True)
    if dataset.internal_only and not actor.is_internal:
        raise PermissionDenied("Not found in this workspace.")
    if not version.is_ready:
        raise ValidationError({"version": "This version has not been read yet (or could not be read)."})
    cleaned = clean_params(version, kind, params)
    analysis = save_validated(
        Analysis(
            project=dataset.project,
            version=version,
            kind=kind,
            params=cleaned,
            title=(title or "").strip()[:200] or _default_title(kind, cleaned),
            rerun_of=rerun_of,
            created_by=actor,
        )
    )
    analysis.job = job_enqueue(
        kind=ANALYSIS_KIND,
        subject=analysis,
        actor=actor,
        params={"analysis": str(analysis.pk)},
        customer_account=None if dataset.internal_only else dataset.project.customer_account,
    )
    analysis.save(update_fields=["job"])
    activity_record(
        project=dataset.project,
        actor=actor,
        verb="analysis.started",
        summary=f"{actor.user.display_name} started “{analysis.title}”",
        internal_only=dataset.internal_only,
    )
    return analysis


def analysis_cancel(*, actor: Membership, analysis: Analysis) -> Analysis:
    if analysis.job is None:
        raise ValidationError({"status": "This analysis has no run to cancel."})
    job_cancel(job=analysis.job, actor=actor)
    analysis.refresh_from_db()
    return analysis


def can_cancel(actor: Membership, analysis: Analysis) -> bool:
    return analysis.job is not None and not analysis.job.is_finished and job_can_cancel(actor=actor, job=analysis.job)


def analyze_deliverable(project: Project) -> ChecklistItem | None:
    """The Analyze deliverable an analysis is attached to: the one about data, else the first."""
    items = list(ChecklistItem.objects.filter(project=project, phase=Phase.ANALYZE).order_by("position", "title"))
    for item in items:
        if "data" in item.title.lower() or "root cause" in item.title.lower():
            return item
    return items[0] if items else None


@transaction.atomic
def analysis_attach(*, actor: Membership, analysis: Analysis) -> Analysis:
    """Tick the Analyze deliverable and link this result to it (shown on the project's Analyze panel)."""
    require(actor, "analyses.attach")
    project = analysis.project
    check_in_workspace(actor, project)
    if analysis.status != "succeeded" or analysis.result is None:
        raise ValidationError({"analysis": "Only a finished analysis can be attached."})
    item = analyze_deliverable(project)
    if item is None:
        raise ValidationError({"analysis": "This project has no Analyze deliverable to attach to."})
    checklist_toggle(actor=actor, item=item, done=True)
    analysis.attached_item, analysis.attached_at = item, timezone.now()
    analysis.save(update_fields=["attached_item", "attached_at"])
    activity_record(
        project=project,
        actor=actor,
        verb="analysis.attached",
        summary=f"{actor.user.display_name} attached “{analysis.title}” to “{item.title}”",
        internal_only=analysis.version.dataset.internal_only,
    )
    return analysis


def analysis_finished(
    *, analysis_id: Any, job_id: Any, attempt: int, result: dict[str, Any], residuals_name: str
) -> bool:
    """Store the result of attempt ``attempt`` of the run ``job_id``: only while that attempt is still the
    job's running one, so a run the sweeper has already ended (or a later attempt) never gets a second
    result."""
    updated = Analysis.objects.filter(
        pk=analysis_id, job_id=job_id, job__status="running", job__attempts=attempt
    ).update(result=result, residuals_name=residuals_name, finished_at=timezone.now())
    return bool(updated)


# --- The project's Analyze panel ----------------------------------------------------------------


def panel_context(project: Project, membership: Membership) -> dict[str, Any] | None:
    """Data sets and analyses of the project (a fixed number of queries)."""
    datasets = list(datasets_for(membership).filter(project=project).order_by("-created_at")[:20])
    latest = latest_versions(datasets)
    for dataset in datasets:
        dataset.latest = latest.get(dataset.pk)  # type: ignore[attr-defined]
    analyses = list(analyses_for(membership).filter(project=project).order_by("-created_at")[:20])
    return {
        "analyze_datasets": datasets,
        "analyze_analyses": analyses,
        "analyze_can_upload": membership.is_internal or membership.customer_account_id == project.customer_account_id,
    }


def comparable(membership: Membership, first: Analysis) -> QuerySet[Analysis]:
    """Runs of the same kind on the same project that ``first`` can be compared with."""
    rows: QuerySet[Analysis] = (
        analyses_for(membership)
        .filter(project=first.project, kind=first.kind)
        .exclude(pk=first.pk)
        .order_by("-created_at")
    )
    return rows


def datasets_of(membership: Membership, project: Project) -> QuerySet[Any]:
    return datasets_for(membership).filter(project=project)
