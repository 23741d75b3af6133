"""Back office · data sets: a table attached to a project (optionally to a phase), in versions.

A version is one upload (or paste): the original file under a generated name, the Parquet file the
worker made of it, the column types, the profile and a 50-row preview. A re-upload is a new version;
an analysis keeps the version it ran on (``Analysis.version`` protects it).
"""

from __future__ import annotations

import pghistory
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from core.tenancy import TenantScopedModel
from projects.models import Phase, Project


class StatsSettings(TenantScopedModel):
    """Per-tenant limits of the back office (one row per tenant, created with the defaults)."""

    max_upload_mb = models.PositiveIntegerField(
        default=2048,
        validators=[MinValueValidator(1), MaxValueValidator(20480)],
        help_text="Largest data-set file accepted (as uploaded, compressed or not), in MB.",
    )
    max_decompressed_mb = models.PositiveIntegerField(
        default=4096,
        validators=[MinValueValidator(1), MaxValueValidator(40960)],
        help_text="Largest size a gzip file may expand to, in MB.",
    )
    max_columns = models.PositiveIntegerField(
        default=5000, validators=[MinValueValidator(2), MaxValueValidator(20000)], help_text="Widest table accepted."
    )

    class Meta:
        verbose_name = "back-office settings"
        verbose_name_plural = "back-office settings"
        constraints = [models.UniqueConstraint(fields=["tenant"], name="stats_settings_one_per_tenant")]

    def __str__(self) -> str:
        return "Back-office settings"


@pghistory.track()
class DataSet(TenantScopedModel):
    """A table of a project; customers of the project's account see it unless it is internal."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="datasets")
    phase = models.CharField(max_length=12, choices=Phase.choices, blank=True, help_text="The phase it belongs to.")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    internal_only = models.BooleanField(default=False, help_text="Our company only: customers never see it.")
    created_by = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    customer_account_field = "project__customer_account"

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class VersionStatus(models.TextChoices):
    UPLOADED = "uploaded", "Waiting to be read"
    INGESTING = "ingesting", "Being read"
    READY = "ready", "Ready"
    FAILED = "failed", "Could not be read"


def version_upload_to(instance: DataSetVersion, _filename: str) -> str:
    """A generated name under the tenant's folder: a worker checks the prefix before it reads a file."""
    return f"datasets/{instance.tenant_id}/{instance.dataset_id}/{instance.pk.hex}-source"


@pghistory.track(exclude=["profile", "preview", "columns"])
class DataSetVersion(TenantScopedModel):
    """One upload of a data set; read into Parquet and profiled by a worker (job ``stats.ingest``)."""

    dataset = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    source = models.FileField(upload_to=version_upload_to, max_length=300)
    original_name = models.CharField(max_length=255)
    fmt = models.CharField("format", max_length=12)
    size = models.PositiveBigIntegerField()
    status = models.CharField(max_length=12, choices=VersionStatus.choices, default=VersionStatus.UPLOADED)
    error = models.TextField(blank=True)
    parquet_name = models.CharField(max_length=300, blank=True)
    n_rows = models.PositiveBigIntegerField(null=True, blank=True)
    n_columns = models.PositiveIntegerField(null=True, blank=True)
    columns = models.JSONField(default=list, blank=True, help_text="[{name, kind, shift, levels, mean}]")
    profile = models.JSONField(default=dict, blank=True)
    preview = models.JSONField(default=dict, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=4, blank=True)
    decimal = models.CharField(max_length=1, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    uploaded_by = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    ingested_at = models.DateTimeField(null=True, blank=True)

    customer_account_field = "dataset__project__customer_account"

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["dataset", "number"], name="dataset_version_number_once")]

    def __str__(self) -> str:
        return f"{self.dataset.name} v{self.number}"

    @property
    def is_ready(self) -> bool:
        return self.status == VersionStatus.READY

    @property
    def state(self) -> str:
        """The status people see: a reading whose job ended without success (a killed worker the sweeper
        found, a cancel) is "failed", never left "being read"."""
        job = self.job
        if self.status in (VersionStatus.UPLOADED, VersionStatus.INGESTING) and job is not None and job.is_finished:
            return self.status if job.status == "succeeded" else VersionStatus.FAILED
        return self.status

    @property
    def state_label(self) -> str:
        return VersionStatus(self.state).label

    @property
    def failure(self) -> str:
        if self.state != VersionStatus.FAILED:
            return ""
        return self.error or (self.job.error if self.job is not None else "") or "Reading stopped before it finished."

    def column_kinds(self) -> dict[str, str]:
        return {column["name"]: column["kind"] for column in self.columns or []}
