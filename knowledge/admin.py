"""The program office's admin for the solution-area taxonomy (rows of the active workspace only).

The admin writes through ``knowledge.taxonomy`` like the pages and the API: a rename or move
recomputes the paths of the whole subtree, unticking *is active* retires the area and its
sub-areas, ticking it restores it. The form validates first (the model's ``clean`` refuses cycles
and too-deep trees; names are unique per parent); areas are never deleted here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin_base import TenantScopedAdmin, acting_member
from knowledge import taxonomy
from knowledge.models import SolutionArea


@admin.register(SolutionArea)
class SolutionAreaAdmin(TenantScopedAdmin):
    list_display = ("path", "depth", "is_active", "created_at")
    list_filter = ("is_active", "depth")
    search_fields = ("path", "description")
    readonly_fields = ("path", "depth")
    list_select_related = ("parent",)

    def save_model(self, request: HttpRequest, obj: SolutionArea, form: Any, change: bool) -> None:
        actor, data = acting_member(request), form.cleaned_data
        if not change:
            created = taxonomy.area_create(
                actor=actor, name=data["name"], parent=data.get("parent"), description=data.get("description", "")
            )
            if data.get("is_active") is False:
                taxonomy.area_retire(actor=actor, area=created)
            obj.pk, obj.tenant_id, obj.path, obj.depth = created.pk, created.tenant_id, created.path, created.depth
            return
        was_active = SolutionArea.objects.values_list("is_active", flat=True).get(pk=obj.pk)
        taxonomy.area_update(
            actor=actor, area=obj, name=data["name"], parent=data.get("parent"), description=data.get("description", "")
        )
        if was_active and data.get("is_active") is False:
            taxonomy.area_retire(actor=actor, area=obj)
        elif not was_active and data.get("is_active"):
            taxonomy.area_restore(actor=actor, area=obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
