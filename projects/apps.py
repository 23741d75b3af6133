from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    """Customer-partnered Green/Black Belt projects (arrives with its own issue)."""

    name = "projects"
    verbose_name = "Projects"
