from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Users, tenants, memberships and the tenancy machinery every other app builds on."""

    name = "core"
    verbose_name = "Tenancy and access"

    def ready(self) -> None:
        from core.api import schema  # noqa: F401  (registers the OpenAPI auth extension)
