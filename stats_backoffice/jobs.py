"""Job handlers of the back office (found by ``core.jobs`` autodiscovery): read a data set, run an analysis.

Both run on the heavy queue (its own worker, time limits and memory cap per child). A handler loads
its row inside the job's tenant, opens files only through ``stats_backoffice.files`` (which refuses a
file of another tenant), hands the engine ``progress`` and ``check_cancelled`` (called between blocks,
so a cancel stops a run within a block's time) and writes the outcome to its own row. Both are safe to
run twice (a redelivered message after a killed worker): files are written under fixed names and
replaced; the analysis result is written only for the job that owns the row.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from core.jobs import JobContext, JobFailed, job_handler
from core.tenancy import current_tenant_id
from stats_backoffice import files
from stats_backoffice.analyses import ANALYSIS_KIND, analysis_finished
from stats_backoffice.datasets import INGEST_KIND, settings_for_tenant, version_failed, version_ingested
from stats_backoffice.engine.errors import EngineError
from stats_backoffice.models import Analysis, AnalysisKind, DataSetVersion, VersionStatus

TIME_LIMIT = int(getattr(settings, "STATS_JOB_TIME_LIMIT", 5400))


def _progress(job: JobContext, low: float, high: float) -> Any:
    def report(percent: float, stage: str) -> None:
        job.progress(low + (high - low) * max(0.0, min(100.0, percent)) / 100.0, stage)

    return report


@job_handler(INGEST_KIND, queue="heavy", time_limit=TIME_LIMIT, label="Read a data set")
def ingest_version(job: JobContext, *, version: str) -> dict[str, Any]:
    """Detect encoding, delimiter and types, write Parquet in row groups, profile; record on the version."""
    from stats_backoffice.engine.ingest import Limits, ingest

    row = DataSetVersion.objects.select_related("dataset").get(pk=version)
    DataSetVersion.objects.filter(pk=row.pk).update(status=VersionStatus.INGESTING, error="")
    limits_row = settings_for_tenant()
    limits = Limits(
        max_bytes=limits_row.max_upload_mb * 1024 * 1024,
        max_decompressed_bytes=limits_row.max_decompressed_mb * 1024 * 1024,
        max_columns=limits_row.max_columns,
    )
    parquet_name = f"datasets/{current_tenant_id()}/{row.dataset_id}/{row.pk.hex}.parquet"
    job.progress(1, "Opening the file")
    try:
        with files.local_path(row.source.name or "") as source, files.output_path(parquet_name) as out:
            result = ingest(
                str(source),
                str(out),
                original_name=row.original_name,
                fmt=row.fmt,
                limits=limits,
                progress=_progress(job, 2, 99),
                check_cancelled=job.check_cancelled,
            )
    except EngineError as error:
        version_failed(version=row, message=str(error))
        raise JobFailed(str(error)) from None
    except BaseException:
        version_failed(version=row, message="Reading stopped before it finished.")
        raise
    version_ingested(version=row, result=result, parquet_name=parquet_name)
    return {"version": str(row.pk), "rows": result.n_rows, "columns": len(result.columns)}


def engine_name() -> str:
    """``dask`` (in-process threads, or the cluster at ``DASK_SCHEDULER_ADDRESS``) unless set otherwise."""
    return str(getattr(settings, "STATS_ENGINE", "dask"))


@job_handler(ANALYSIS_KIND, queue="heavy", time_limit=TIME_LIMIT, label="Statistical analysis")
def run_analysis(job: JobContext, *, analysis: str) -> dict[str, Any]:
    """Run the engine on the analysis's version; store the result on the analysis (this job's only)."""
    from stats_backoffice import engine
    from stats_backoffice.engine.parquet import ParquetSource

    row = Analysis.objects.select_related("version__dataset").get(pk=analysis)
    version = row.version
    if not version.parquet_name:
        raise JobFailed("The data set has not been read yet.")
    wants_residuals = row.kind in (AnalysisKind.OLS, AnalysisKind.LOGIT)
    residuals_name = f"datasets/{current_tenant_id()}/{version.dataset_id}/analysis-{row.pk.hex}-rows.parquet"
    job.progress(1, "Opening the data")
    try:
        with files.local_path(version.parquet_name) as path, files.output_path(residuals_name) as out:
            result = engine.run(
                row.kind,
                ParquetSource(str(path), block_rows=getattr(settings, "STATS_BLOCK_ROWS", None)),
                dict(row.params),
                engine=engine_name(),
                progress=_progress(job, 2, 99),
                check_cancelled=job.check_cancelled,
                residuals_path=str(out) if wants_residuals else None,
            )
            wrote = wants_residuals and Path(out).exists()
    except EngineError as error:
        raise JobFailed(str(error)) from None
    analysis_finished(
        analysis_id=row.pk,
        job_id=job.job.pk,
        attempt=job.job.attempts,
        result=result,
        residuals_name=residuals_name if wrote else "",
    )
    return {"analysis": str(row.pk)}
