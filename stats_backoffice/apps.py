from django.apps import AppConfig


class StatsBackofficeConfig(AppConfig):
    """Heavy statistics run in Celery workers (arrives with its own issue)."""

    name = "stats_backoffice"
    verbose_name = "Statistical back office"
