"""The project's models as the discovery-based tests see them: every model of an app (or of all
apps) except pghistory's event tables and auto-created through tables, sorted by name."""

from __future__ import annotations

import pghistory.models
from django.apps import apps
from django.db.models import Model


def app_models(app_label: str | None = None) -> list[type[Model]]:
    """Every model of ``app_label`` (of every app when None) but history event tables, by name."""
    models = apps.get_app_config(app_label).get_models() if app_label else apps.get_models()
    return sorted(
        (m for m in models if not issubclass(m, pghistory.models.Event) and not m._meta.auto_created),
        key=lambda m: m._meta.label,
    )
