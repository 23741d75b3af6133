"""Knowledge pages under /t/<tenant_slug>/ (namespace ``knowledge``): the solution-area taxonomy."""

from django.urls import URLPattern

from knowledge import views

app_name = "knowledge"
urlpatterns: list[URLPattern] = [*views.urlpatterns]
