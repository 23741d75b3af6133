"""Back-office pages under /t/<tenant_slug>/stats/ (namespace ``stats``): one module per area."""

from stats_backoffice.views import analyses, datasets

app_name = "stats"
urlpatterns = [*datasets.urlpatterns, *analyses.urlpatterns]
