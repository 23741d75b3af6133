from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    """Scorecards, champion ratings and sponsor dashboards (arrives with its own issue)."""

    name = "dashboards"
    verbose_name = "Dashboards"
