"""Knowledge pages under /t/<tenant_slug>/knowledge/ (namespace ``knowledge``): one module per area."""

from knowledge.views import taxonomy

app_name = "knowledge"
urlpatterns = [*taxonomy.urlpatterns]
