"""Dashboards models, one module per area; ``from dashboards.models import X`` keeps working."""

from dashboards.models.ratings import (
    COLOR_VALIDATORS,
    DIVERGENCE_STEPS,
    ChampionRating,
    Color,
    RatingDimension,
    RatingScore,
    RatingStatus,
)
from dashboards.models.results import DashboardsSettings, QuarterlyResult
from dashboards.models.scorecards import (
    Category,
    Direction,
    FigureOwner,
    Metric,
    MetricDefinition,
    MetricTemplate,
    Scorecard,
    ScorecardVersion,
    VersionStatus,
)

__all__ = [
    "COLOR_VALIDATORS",
    "DIVERGENCE_STEPS",
    "Category",
    "ChampionRating",
    "Color",
    "DashboardsSettings",
    "Direction",
    "FigureOwner",
    "Metric",
    "MetricDefinition",
    "MetricTemplate",
    "QuarterlyResult",
    "RatingDimension",
    "RatingScore",
    "RatingStatus",
    "Scorecard",
    "ScorecardVersion",
    "VersionStatus",
]
