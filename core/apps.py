from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Users, tenants, memberships and the tenancy machinery every other app builds on."""

    name = "core"
    verbose_name = "Tenancy and access"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from core.api import schema  # noqa: F401  (registers the OpenAPI auth extension)

        user_logged_out.connect(_signed_out_notice, dispatch_uid="core.signed_out_notice")


def _signed_out_notice(sender: object, request: object, user: object, **kwargs: object) -> None:
    """Tell people on the sign-in page that signing out worked."""
    from django.contrib import messages

    if request is not None and hasattr(request, "_messages"):
        messages.info(request, "You are signed out.")  # type: ignore[arg-type]
