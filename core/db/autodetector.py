"""A migration autodetector that adds Row-Level Security to every new tenant table."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.migrations.autodetector import MigrationAutodetector
from pgtrigger.migrations import MigrationAutodetectorMixin

from core.db.operations import EnableRowLevelSecurity


class TenantAwareAutodetector(MigrationAutodetectorMixin, MigrationAutodetector):
    """After a CreateModel with a ``tenant`` field (or an AddField of ``tenant``), enable RLS.

    Keeps django-pgtrigger's mixin, which writes the history triggers into migrations.
    """

    def _detect_changes(self, *args: Any, **kwargs: Any) -> dict[str, list[Any]]:
        changes: dict[str, list[Any]] = super()._detect_changes(*args, **kwargs)
        for app_migrations in changes.values():
            for migration in app_migrations:
                extra = []
                for op in migration.operations:
                    if isinstance(op, migrations.CreateModel) and any(n == "tenant" for n, _ in op.fields):
                        extra.append(EnableRowLevelSecurity(model_name=op.name))
                    elif isinstance(op, migrations.AddField) and op.name == "tenant":
                        extra.append(EnableRowLevelSecurity(model_name=op.model_name))
                migration.operations.extend(extra)
        return changes
