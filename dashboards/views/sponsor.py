"""Pages: sponsor (see dashboards/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
