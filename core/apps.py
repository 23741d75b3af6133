from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Users, tenants, memberships and the tenancy machinery every other app builds on."""

    name = "core"
    verbose_name = "Tenancy and access"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from core import members
        from core.api import schema  # noqa: F401  (registers the OpenAPI auth extension)
        from core.registry import NEXT_ACTIONS

        user_logged_out.connect(_signed_out_notice, dispatch_uid="core.signed_out_notice")
        NEXT_ACTIONS.register("core.invite_team", members.next_action_invite_team, order=60)


def _signed_out_notice(sender: object, request: object, user: object, **kwargs: object) -> None:  # noqa: ARG001 (signal)
    """Tell people on the sign-in page that signing out worked."""
    from django.contrib import messages

    if request is not None and hasattr(request, "_messages"):
        messages.info(request, "You are signed out.")  # type: ignore[arg-type]
