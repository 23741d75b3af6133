"""Dashboards API under /api/v1/t/<tenant_slug>/, one module per area."""

from core.api.base import api_urlpatterns
from dashboards.api import ratings, results, scorecards

urlpatterns = api_urlpatterns(scorecards, results, ratings)
