"""Pages · placeholder: the owner of this area replaces these views (see /tmp/brief.md)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views import View

from core.views import TenantScopedViewMixin


class Placeholder0(TenantScopedViewMixin, View):
    required_action = "projects.view"

    def get(self, request: HttpRequest, **kwargs: object) -> HttpResponse:
        return render(request, "projects/placeholder.html", {"subnav": ""})


class Placeholder1(TenantScopedViewMixin, View):
    required_action = "projects.log"

    def get(self, request: HttpRequest, **kwargs: object) -> HttpResponse:
        return render(request, "projects/placeholder.html", {"subnav": ""})


urlpatterns: list[URLPattern] = [
    path("", Placeholder0.as_view(), name="list"),
    path("new/", Placeholder1.as_view(), name="quick-log"),
]
