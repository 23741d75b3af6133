from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Users, tenants, memberships and the tenancy machinery every other app builds on."""

    name = "core"
    verbose_name = "Tenancy and access"

