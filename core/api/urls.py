"""Core's tenant API under /api/v1/t/<tenant_slug>/: one module per area."""

from core.api import jobs, members
from core.api.base import api_urlpatterns

urlpatterns = api_urlpatterns(members, jobs)
