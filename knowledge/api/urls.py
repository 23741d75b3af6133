"""Knowledge API under /api/v1/t/<tenant_slug>/."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from knowledge.api.views import SolutionAreaViewSet

router = SimpleRouter()
router.register("solution-areas", SolutionAreaViewSet, basename="api-solution-area")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
