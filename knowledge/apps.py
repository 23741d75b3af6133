from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    """Taxonomy and the anonymised solution library (arrives with its own issue)."""

    name = "knowledge"
    verbose_name = "Knowledge"
