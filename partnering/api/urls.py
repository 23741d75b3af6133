"""Partnering API under /api/v1/t/<tenant_slug>/: every area's viewsets (``register(router)``).

Route names carry an ``api-`` prefix so they never collide with the pages' names (the isolation
registry is keyed by route name without namespace).
"""

from core.api.base import api_urlpatterns
from partnering.api import accounts, meetings, relationships, work

urlpatterns = api_urlpatterns(accounts, relationships, meetings, work)
