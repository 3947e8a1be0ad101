"""The REST API: /api/v1/... for every app, the OpenAPI schema and its documentation page."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The Swagger page's script comes from its own URL (the CSP allows no inline script).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Redoc draws its styles into <style> elements and searches in a worker it builds from a blob: on this page
    # only, which shows nothing but the schema, the CSP allows both.
    path(
        "redoc/",
        csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]})(
            SpectacularRedocView.as_view(url_name="api-schema")
        ),
        name="api-redoc",
    ),
    path("v1/", include("organizations.api_urls")),
    path("v1/", include("feedback.api_urls")),
    path("v1/", include("programs.api_urls")),
    path("v1/", include("targets.api_urls")),
    path("v1/", include("reports.api_urls")),
]
