from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    """Scorecards, champion ratings, the sponsor dashboard and the quarterly review pack."""

    name = "dashboards"
    verbose_name = "Dashboards"

    def ready(self) -> None:
        """Register this app's demo step (``core.registry``)."""
        from core.registry import DEMO_STEPS, DemoStep
        from dashboards import demo

        DEMO_STEPS.register("dashboards", DemoStep(seed_tenant=demo.seed_tenant, seed_bench=demo.seed_bench), order=20)
