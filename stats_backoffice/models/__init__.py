"""Models of the statistical back office, one module per area (see docs/architecture.md)."""

from stats_backoffice.models.analyses import Analysis, AnalysisKind
from stats_backoffice.models.datasets import DataSet, DataSetVersion, StatsSettings, VersionStatus

__all__ = ["Analysis", "AnalysisKind", "DataSet", "DataSetVersion", "StatsSettings", "VersionStatus"]
