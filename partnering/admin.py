from django.contrib import admin

from core.admin import TenantScopedAdmin
from partnering.models import CustomerAccount


@admin.register(CustomerAccount)
class CustomerAccountAdmin(TenantScopedAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)
