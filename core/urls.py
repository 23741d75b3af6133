"""Core's tenant pages under /t/<tenant_slug>/ (no namespace: ``home``, ``program-office``, ``job-detail``…)."""

from core.views import home, jobs, members

urlpatterns = [*home.urlpatterns, *members.urlpatterns, *jobs.urlpatterns]
