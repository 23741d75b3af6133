"""App config that swaps Django's admin site for the tenant-aware program-office site."""

from django.contrib.admin.apps import AdminConfig


class ProgramOfficeAdminConfig(AdminConfig):
    default_site = "core.admin_site.ProgramOfficeAdminSite"
