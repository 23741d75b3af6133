"""Partnering API under /api/v1/t/<tenant_slug>/.

Route names carry an ``api-`` prefix so they never collide with the pages' names (the isolation
registry is keyed by route name without namespace).
"""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from partnering.api import views

router = SimpleRouter()
router.register("accounts", views.AccountViewSet, basename="api-account")
router.register("contacts", views.ContactViewSet, basename="api-contact")
router.register("relationships", views.RelationshipViewSet, basename="api-relationship")
router.register("sponsors", views.SponsorViewSet, basename="api-sponsor")
router.register("roster", views.RosterViewSet, basename="api-roster")
router.register("meetings", views.MeetingViewSet, basename="api-meeting")
router.register("actions", views.ActionViewSet, basename="api-action")
router.register("topics", views.TopicViewSet, basename="api-topic")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
