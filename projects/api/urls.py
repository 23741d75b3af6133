"""Projects API under /api/v1/t/<tenant_slug>/: every area's ``register(router)`` on one router.

Route names carry an ``api-`` prefix so they never collide with the pages' names (the isolation
registry is keyed by route name without namespace)."""

from core.api.base import api_urlpatterns
from projects.api import belts, benefits, board, coaching, discussion, program, projects, selection, workflow

urlpatterns = api_urlpatterns(projects, board, workflow, selection, coaching, benefits, discussion, belts, program)
