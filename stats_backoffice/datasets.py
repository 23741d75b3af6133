"""Back office · data sets: services and selectors.

Who: the internal people of the tenant and the customer participants of the project's account
(customer data often comes from them); an internal data set (``internal_only``) is invisible to
customers, and so are its versions and analyses. The request only checks and streams the file to
storage under a generated name; the worker reads it (job ``stats.ingest``, ``stats_backoffice/jobs.py``).
"""

from __future__ import annotations

import os
import struct
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from core.jobs import job_enqueue
from core.models import Job, Membership
from core.service_helpers import model_update, require, save_validated
from core.tenancy import current_tenant_id
from projects.models import Phase, Project
from projects.projects import activity_record, check_in_workspace
from stats_backoffice import files
from stats_backoffice.engine.errors import IngestError
from stats_backoffice.models import DataSet, DataSetVersion, StatsSettings, VersionStatus

SNIFF_BYTES = 65536
#: A pasted table larger than this should be uploaded as a file.
MAX_PASTE_BYTES = 2 * 1024 * 1024
ACCEPTED_LABEL = "CSV, TSV, TXT, XLSX or gzip-compressed CSV/TSV (.csv.gz)"
ACCEPT_ATTR = ".csv,.tsv,.txt,.xlsx,.gz"
INGEST_KIND = "stats.ingest"


def settings_for_tenant() -> StatsSettings:
    """The tenant's back-office limits (the defaults, unsaved, until the program office changes them:
    reading them never writes)."""
    row: StatsSettings | None = StatsSettings.objects.first()
    return row if row is not None else StatsSettings(tenant_id=current_tenant_id())


def upload_rules() -> str:
    return f"Accepted: {ACCEPTED_LABEL}, up to {settings_for_tenant().max_upload_mb:,} MB."


# --- Selectors ----------------------------------------------------------------------------------


def internal_filter(membership: Membership, prefix: str = "") -> Q:
    """Customers never see internal data sets (nor, with ``prefix``, what hangs off them)."""
    return Q(**{f"{prefix}internal_only": False}) if not membership.is_internal else Q()


def datasets_for(membership: Membership) -> QuerySet[DataSet]:
    rows: QuerySet[DataSet] = (
        DataSet.objects.visible_to(membership)
        .filter(internal_filter(membership))
        .select_related("project", "created_by__user")
    )
    return rows


def versions_for(membership: Membership) -> QuerySet[DataSetVersion]:
    rows: QuerySet[DataSetVersion] = (
        DataSetVersion.objects.visible_to(membership)
        .filter(internal_filter(membership, "dataset__"))
        .select_related("dataset__project", "uploaded_by__user", "job")
    )
    return rows


def latest_versions(datasets: list[DataSet]) -> dict[Any, DataSetVersion]:
    """The newest version of each data set, in one query."""
    latest: dict[Any, DataSetVersion] = {}
    for version in DataSetVersion.objects.filter(dataset__in=datasets).order_by("dataset_id", "-number"):
        latest.setdefault(version.dataset_id, version)
    return latest


def can_manage(actor: Membership, dataset: DataSet) -> bool:
    """Rename, mark internal, delete: internal people (the creator or an admin for delete)."""
    return actor.is_internal and actor.tenant_id == dataset.tenant_id


# --- Checks on a file in the request ------------------------------------------------------------


def _clean_name(name: str | None) -> str:
    return os.path.basename((name or "").replace("\\", "/")).strip()[:255] or "data.csv"


def _gzip_declared_size(uploaded: UploadedFile) -> int:
    """The uncompressed size a gzip file declares in its trailer (mod 4 GiB; the worker enforces the cap)."""
    uploaded.seek(max(0, int(uploaded.size or 0) - 4))
    tail = uploaded.read(4)
    uploaded.seek(0)
    return int(struct.unpack("<I", tail)[0]) if len(tail) == 4 else 0


def check_upload(uploaded: UploadedFile | None) -> tuple[str, str]:
    """Size cap, extension and content sniffing of an upload; returns (clean name, format)."""
    limits = settings_for_tenant()
    rules = upload_rules()
    if uploaded is None:
        raise ValidationError({"file": f"Choose a file. {rules}"})
    name = _clean_name(uploaded.name)
    size = int(uploaded.size or 0)
    if size > limits.max_upload_mb * 1024 * 1024:
        raise ValidationError({"file": f"The file is {size / 1024 / 1024:,.1f} MB: too big. {rules}"})
    from stats_backoffice.engine.sniff import sniff_upload  # the engine's rules (no Django there)

    uploaded.seek(0)
    head = uploaded.read(SNIFF_BYTES)
    uploaded.seek(0)
    try:
        fmt = sniff_upload(head, name)
    except IngestError as error:
        raise ValidationError({"file": f"{error} {rules}"}) from None
    if fmt.endswith("gz") and _gzip_declared_size(uploaded) > limits.max_decompressed_mb * 1024 * 1024:
        raise ValidationError(
            {"file": f"The file expands to more than {limits.max_decompressed_mb:,} MB when decompressed. {rules}"}
        )
    return name, fmt


# --- Services -----------------------------------------------------------------------------------


def _check_project(actor: Membership, project: Project) -> None:
    require(actor, "datasets.upload")
    check_in_workspace(actor, project, own_account=True)


def _version_create(
    *, actor: Membership, dataset: DataSet, uploaded: UploadedFile, name: str, fmt: str
) -> DataSetVersion:
    number = (DataSetVersion.objects.filter(dataset=dataset).aggregate(top=Max("number"))["top"] or 0) + 1
    version = DataSetVersion(
        dataset=dataset, number=number, original_name=name, fmt=fmt, size=int(uploaded.size or 0), uploaded_by=actor
    )
    version.tenant_id = current_tenant_id()
    version.source.save(name, uploaded, save=False)
    stored = version.source.name or ""
    try:
        save_validated(version)
    except ValidationError:
        files.delete_quietly(stored)
        raise
    version.job = job_enqueue(
        kind=INGEST_KIND,
        subject=version,
        actor=actor,
        params={"version": str(version.pk)},
        customer_account=None if dataset.internal_only else dataset.project.customer_account,
    )
    version.save(update_fields=["job"])
    return version


@transaction.atomic
def dataset_create(
    *,
    actor: Membership,
    project: Project,
    uploaded_file: UploadedFile | None,
    name: str = "",
    phase: str = "",
    description: str = "",
    internal_only: bool = False,
) -> DataSetVersion:
    """A new data set on ``project`` with its first version; the worker reads it."""
    _check_project(actor, project)
    clean_name, fmt = check_upload(uploaded_file)
    assert uploaded_file is not None
    if phase and phase not in Phase.values:
        raise ValidationError({"phase": "Choose a phase of the project."})
    dataset = save_validated(
        DataSet(
            project=project,
            phase=phase,
            name=(name or "").strip()[:200] or clean_name.rsplit(".", 1)[0][:200],
            description=(description or "").strip(),
            internal_only=bool(internal_only) and actor.is_internal,
            created_by=actor,
        )
    )
    version = _version_create(actor=actor, dataset=dataset, uploaded=uploaded_file, name=clean_name, fmt=fmt)
    activity_record(
        project=project,
        actor=actor,
        verb="dataset.uploaded",
        summary=f"{actor.user.display_name} uploaded the data set {dataset.name}",
        internal_only=dataset.internal_only,
    )
    return version


@transaction.atomic
def dataset_paste(
    *, actor: Membership, project: Project, text: str, name: str = "", phase: str = "", internal_only: bool = False
) -> DataSetVersion:
    """A small table pasted from a spreadsheet (tab- or comma-separated), stored and read like a file."""
    data = (text or "").strip("\n").encode("utf-8")
    if not data.strip():
        raise ValidationError({"text": "Paste a table first: a header row, then one row per line."})
    if len(data) > MAX_PASTE_BYTES:
        raise ValidationError({"text": "That is more than 2 MB: upload it as a file instead."})
    pasted = ContentFile(data + b"\n", name="pasted.tsv" if b"\t" in data else "pasted.csv")
    return dataset_create(
        actor=actor,
        project=project,
        uploaded_file=pasted,  # type: ignore[arg-type]
        name=name or f"Pasted table {timezone.localdate():%Y-%m-%d}",
        phase=phase,
        internal_only=internal_only,
    )


@transaction.atomic
def version_add(*, actor: Membership, dataset: DataSet, uploaded_file: UploadedFile | None) -> DataSetVersion:
    """A re-upload: a new version; analyses keep the version they ran on."""
    _check_project(actor, dataset.project)
    clean_name, fmt = check_upload(uploaded_file)
    assert uploaded_file is not None
    version = _version_create(actor=actor, dataset=dataset, uploaded=uploaded_file, name=clean_name, fmt=fmt)
    activity_record(
        project=dataset.project,
        actor=actor,
        verb="dataset.version",
        summary=f"{actor.user.display_name} uploaded version {version.number} of {dataset.name}",
        internal_only=dataset.internal_only,
    )
    return version


DATASET_FIELDS = ("name", "description", "phase", "internal_only")


@transaction.atomic
def dataset_update(*, actor: Membership, dataset: DataSet, **changes: Any) -> DataSet:
    require(actor, "datasets.manage")
    check_in_workspace(actor, dataset.project)
    unknown = set(changes) - set(DATASET_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in sorted(unknown)})
    if "name" in changes and not str(changes["name"] or "").strip():
        raise ValidationError({"name": "Give the data set a name."})
    updated, _changed = model_update(instance=dataset, data=changes, allowed=DATASET_FIELDS)
    Job.objects.filter(
        subject_type="stats_backoffice.datasetversion",
        subject_id__in=DataSetVersion.objects.filter(dataset=dataset).values("pk"),
    ).update(customer_account=None if updated.internal_only else updated.project.customer_account)
    return updated


@transaction.atomic
def dataset_delete(*, actor: Membership, dataset: DataSet) -> None:
    """Delete a data set, its versions, their analyses and files (after commit)."""
    require(actor, "datasets.manage")
    check_in_workspace(actor, dataset.project)
    if not (actor.role == "admin" or dataset.created_by_id == actor.pk):
        raise PermissionDenied("Only the person who uploaded the data set, or an admin, can delete it.")
    from stats_backoffice.models import Analysis

    names: list[str] = []
    for version in DataSetVersion.objects.filter(dataset=dataset):
        names += [version.source.name or "", version.parquet_name]
    analyses = Analysis.objects.filter(version__dataset=dataset)
    names += list(analyses.values_list("residuals_name", flat=True))
    analyses.delete()
    project, label, internal_only = dataset.project, dataset.name, dataset.internal_only
    dataset.delete()
    transaction.on_commit(lambda: _delete_files(names))
    activity_record(
        project=project,
        actor=actor,
        verb="dataset.deleted",
        summary=f"{actor.user.display_name} deleted the data set {label}",
        internal_only=internal_only,
    )


def _delete_files(names: list[str]) -> None:
    for name in names:
        files.delete_quietly(name)


# --- What the worker calls ------------------------------------------------------------------------


def version_ingested(*, version: DataSetVersion, result: Any, parquet_name: str) -> DataSetVersion:
    """Record what the ingest found (the engine's ``IngestResult``)."""
    version.status = VersionStatus.READY
    version.error = ""
    version.parquet_name = parquet_name
    version.n_rows = result.n_rows
    version.n_columns = len(result.columns)
    version.columns = [
        {"name": c.name, "kind": c.kind, "shift": c.shift, "levels": (c.levels or [])[:200], "mean": c.mean}
        for c in result.columns
    ]
    version.profile = result.profile
    version.preview = result.preview
    version.encoding = result.encoding[:20]
    version.delimiter = result.delimiter[:4]
    version.decimal = result.decimal[:1]
    version.warnings = list(result.warnings)[:50]
    version.ingested_at = timezone.now()
    version.save()
    return version


def version_failed(*, version: DataSetVersion, message: str) -> None:
    DataSetVersion.objects.filter(pk=version.pk).update(status=VersionStatus.FAILED, error=message[:2000])
