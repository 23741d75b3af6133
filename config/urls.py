"""URL map: pages under /t/<tenant_slug>/, the API under /api/v1/t/<tenant_slug>/."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from core.api import members as core_api
from core.views import members as core_members

account_router = SimpleRouter()
core_api.register_account_routes(account_router)

# Every app mounts its tenant pages (``<app>/urls.py``) and tenant API (``<app>/api/urls.py``) here,
# the same way (see docs/architecture.md).
tenant_page_patterns: list[URLPattern | URLResolver] = [
    path("", include("core.urls")),
    path("", include("partnering.urls")),
    path("", include("dashboards.urls")),
    path("projects/", include("projects.urls")),
    path("knowledge/", include("knowledge.urls")),
    path("stats/", include("stats_backoffice.urls")),
]
tenant_api_patterns: list[URLPattern | URLResolver] = [
    path("", include("core.api.urls")),
    path("", include("partnering.api.urls")),
    path("", include("dashboards.api.urls")),
    path("", include("projects.api.urls")),
    path("", include("knowledge.api.urls")),
    path("", include("stats_backoffice.api.urls")),
]

urlpatterns = [
    path("", core_members.workspace_picker, name="root"),
    path("accounts/login/", core_members.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("t/<slug:tenant_slug>/", include(tenant_page_patterns)),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/auth/token/", core_api.TokenView.as_view(), name="api-token-obtain"),
    path("api/v1/auth/tokens/current/", core_api.CurrentTokenView.as_view(), name="api-token-current"),
    path("api/v1/", include(account_router.urls)),
    path("api/v1/tenants/", core_api.TenantListView.as_view(), name="api-tenants"),
    path("api/v1/t/<slug:tenant_slug>/", include(tenant_api_patterns)),
]

handler404 = "core.views.base.page_not_found"
handler500 = "core.views.base.server_error"
