"""Partnering API under /api/v1/t/<tenant_slug>/."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
