from django.apps import AppConfig


class StatsBackofficeConfig(AppConfig):
    """Heavy statistics in Celery workers: data sets, certified regressions, ANOVA, descriptive statistics."""

    name = "stats_backoffice"
    verbose_name = "Statistical back office"

    def ready(self) -> None:
        """Register the project page's Analyze panel and the demo step (``core.registry``)."""
        from core.registry import DEMO_STEPS, PROJECT_PANELS, DemoStep
        from stats_backoffice import analyses, demo

        PROJECT_PANELS.add(
            "analyze",
            template="stats_backoffice/analyses/_project_panel.html",
            context=analyses.panel_context,
            order=25,
        )
        DEMO_STEPS.register("stats_backoffice", DemoStep(seed_tenant=demo.seed_tenant), order=40)
