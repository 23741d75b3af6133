from django.apps import AppConfig


class PartneringConfig(AppConfig):
    """Customer accounts, contacts, strategic relationships, meetings, action items and topics."""

    name = "partnering"
    verbose_name = "Partnering"

    def ready(self) -> None:
        """Register this app's home widgets, next-action providers and demo step (``core.registry``)."""
        from core.registry import DEMO_STEPS, HOME_WIDGETS, NEXT_ACTIONS, DemoStep
        from partnering import accounts, demo, work

        NEXT_ACTIONS.register("partnering.open_actions", work.next_actions_open_items, order=10)
        NEXT_ACTIONS.register("partnering.first_account", accounts.next_action_first_account, order=50)
        HOME_WIDGETS.add(
            "partnering.next_actions",
            template="partnering/work/_home_next_actions.html",
            context=work.next_actions_context,
            order=20,
        )
        HOME_WIDGETS.add(
            "partnering.at_a_glance",
            template="partnering/accounts/_home_at_a_glance.html",
            context=accounts.at_a_glance_context,
            order=40,
        )
        DEMO_STEPS.register("partnering", DemoStep(seed_tenant=demo.seed_tenant, seed_bench=demo.seed_bench), order=10)
