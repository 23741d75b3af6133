"""Pages · placeholder: the owner of this area replaces these views (see /tmp/brief.md)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views import View

from core.views import TenantScopedViewMixin


class Placeholder0(TenantScopedViewMixin, View):
    required_action = "feedback.summary"

    def get(self, request: HttpRequest, **kwargs: object) -> HttpResponse:
        return render(request, "projects/placeholder.html", {"subnav": ""})


urlpatterns: list[URLPattern] = [
    path("feedback/", Placeholder0.as_view(), name="feedback-summary"),
]
