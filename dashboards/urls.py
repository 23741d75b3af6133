"""Dashboards pages under /t/<tenant_slug>/ (namespace ``dashboards``)."""

from dashboards.views import pack, ratings, scorecards, sponsor

app_name = "dashboards"
urlpatterns = [*scorecards.urlpatterns, *ratings.urlpatterns, *sponsor.urlpatterns, *pack.urlpatterns]
