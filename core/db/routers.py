"""All application queries use ``default`` (the RLS-bound application role).

The ``owner`` alias exists only so ``migrate --database owner`` runs DDL as the schema owner.
"""

from typing import Any


class OwnerOnlyForMigrationsRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str:
        return "default"

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return True
