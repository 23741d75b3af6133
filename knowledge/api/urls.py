"""Knowledge API under /api/v1/t/<tenant_slug>/: one module per area."""

from core.api.base import api_urlpatterns
from knowledge.api import taxonomy

urlpatterns = api_urlpatterns(taxonomy)
