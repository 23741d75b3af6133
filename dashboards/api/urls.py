"""Dashboards API under /api/v1/t/<tenant_slug>/."""

from dashboards.api import ratings, scorecards

urlpatterns = [*scorecards.urlpatterns, *ratings.urlpatterns]
