"""Partnering pages under /t/<tenant_slug>/ (namespace ``partnering``)."""

from partnering.views import accounts, meetings, relationships, work

app_name = "partnering"
urlpatterns = [*accounts.urlpatterns, *relationships.urlpatterns, *meetings.urlpatterns, *work.urlpatterns]
