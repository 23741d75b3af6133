"""The tenant home: a grid of widgets that the apps register (``core.registry.HOME_WIDGETS``)."""

from __future__ import annotations

from typing import Any

from django.urls import path
from django.views.generic import TemplateView

from core.registry import HOME_WIDGETS
from core.views.base import TenantScopedViewMixin


class HomeView(TenantScopedViewMixin, TemplateView):
    """What needs you next, and where to start when nothing exists yet."""

    template_name = "core/home/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        widgets = HOME_WIDGETS.fill(membership=self.member)
        context.update(widgets.context)
        context["home_widgets"] = widgets.templates
        return context


urlpatterns = [path("", HomeView.as_view(), name="home")]
