"""The program office's admin for the solution-area taxonomy (rows of the active workspace only).

The admin bypasses ``knowledge.services``; ``save_model`` keeps ``path``/``depth`` of the area and
its whole subtree true, the model's ``clean`` refuses cycles and too-deep trees, and areas are
never deleted here (retire them by unticking *is active*).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin_base import TenantScopedAdmin
from knowledge.models import SolutionArea
from knowledge.services import subtree_repath


@admin.register(SolutionArea)
class SolutionAreaAdmin(TenantScopedAdmin):
    list_display = ("path", "depth", "is_active", "created_at")
    list_filter = ("is_active", "depth")
    search_fields = ("path", "description")
    readonly_fields = ("path", "depth")
    list_select_related = ("parent",)

    def save_model(self, request: HttpRequest, obj: SolutionArea, form: Any, change: bool) -> None:
        obj.path, obj.depth = obj.compute_path()
        super().save_model(request, obj, form, change)
        subtree_repath(obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
