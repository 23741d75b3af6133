from django.apps import AppConfig


class PartneringConfig(AppConfig):
    """Customer accounts, contacts and strategic relationships (grows with issue #3)."""

    name = "partnering"
    verbose_name = "Partnering"
