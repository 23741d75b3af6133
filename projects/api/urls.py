"""Projects API under /api/v1/t/<tenant_slug>/. Route names carry an ``api-`` prefix so they never
collide with the pages' names (the isolation registry is keyed by route name without namespace)."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from projects.api import belts, benefits, board, coaching, discussion, program, projects, selection, workflow

router = SimpleRouter()
for module in (projects, board, workflow, selection, coaching, benefits, discussion, belts, program):
    module.register(router)

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
