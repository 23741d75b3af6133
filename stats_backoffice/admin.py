"""The program office's admin for the back office (rows of the active workspace only).

Data sets are edited through ``stats_backoffice.datasets`` (rename, phase, internal flag) and deleted
through it (files go too); versions and analyses are read-only records of what was uploaded and run
(a re-run is started from the product, where the columns are picked). Settings hold the upload caps.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin_base import ReadOnlyAdmin, ReadOnlyInline, TenantScopedAdmin, acting_member
from stats_backoffice import datasets
from stats_backoffice.models import Analysis, DataSet, DataSetVersion, StatsSettings


class VersionInline(ReadOnlyInline):
    model = DataSetVersion
    fields = ("number", "original_name", "fmt", "size", "status", "n_rows", "n_columns", "created_at")
    readonly_fields = fields
    extra = 0


@admin.register(DataSet)
class DataSetAdmin(TenantScopedAdmin):
    list_display = ("name", "project", "phase", "internal_only", "created_by", "created_at")
    list_filter = ("internal_only", "phase")
    search_fields = ("name", "description", "project__title")
    list_select_related = ("project", "created_by__user")
    fields = ("project", "name", "phase", "description", "internal_only", "created_by", "created_at")
    readonly_fields = ("project", "created_by", "created_at")
    inlines = [VersionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a data set comes with a file: upload it on the project

    def save_model(self, request: HttpRequest, obj: DataSet, form: Any, change: bool) -> None:
        data = form.cleaned_data
        changes = {name: data[name] for name in datasets.DATASET_FIELDS if name in data}
        fresh = DataSet.objects.get(pk=obj.pk)
        datasets.dataset_update(actor=acting_member(request), dataset=fresh, **changes)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[Any, Any, set[str], list[Any]]:
        """The service deletes versions and analyses with the data set (which the admin alone would
        refuse: versions are protected by their analyses and read-only here)."""
        deleted, counts, _perms, _protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), []

    def delete_model(self, request: HttpRequest, obj: DataSet) -> None:
        datasets.dataset_delete(actor=acting_member(request), dataset=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for dataset in queryset:
            datasets.dataset_delete(actor=acting_member(request), dataset=dataset)


@admin.register(DataSetVersion)
class DataSetVersionAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "original_name", "fmt", "size", "status", "n_rows", "n_columns", "created_at")
    list_filter = ("status", "fmt")
    search_fields = ("original_name", "dataset__name")
    list_select_related = ("dataset",)
    exclude = ("tenant", "profile", "preview")  # type: ignore[assignment]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # delete the data set (its versions, analyses and files go with it)


@admin.register(Analysis)
class AnalysisAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "kind", "project", "version", "job", "created_by", "created_at", "finished_at")
    list_filter = ("kind",)
    search_fields = ("title", "project__title")
    list_select_related = ("project", "version__dataset", "job", "created_by__user")
    exclude = ("tenant", "result")  # type: ignore[assignment]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StatsSettings)
class StatsSettingsAdmin(TenantScopedAdmin):
    list_display = ("__str__", "max_upload_mb", "max_decompressed_mb", "max_columns")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
