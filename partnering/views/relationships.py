"""Pages: relationships (see partnering/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
