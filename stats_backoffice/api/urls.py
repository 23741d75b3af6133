"""Back-office API under /api/v1/t/<tenant_slug>/: one module per area."""

from core.api.base import api_urlpatterns
from stats_backoffice.api import analyses, datasets

urlpatterns = api_urlpatterns(datasets, analyses)
