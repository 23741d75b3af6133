"""Dashboards pages under /t/<tenant_slug>/ (namespace ``dashboards``), one module per area."""

from dashboards.views import pack, ratings, results, scorecards, sponsor

app_name = "dashboards"
urlpatterns = [
    *scorecards.urlpatterns,
    *results.urlpatterns,
    *ratings.urlpatterns,
    *sponsor.urlpatterns,
    *pack.urlpatterns,
]
