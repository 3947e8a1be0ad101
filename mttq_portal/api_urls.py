"""The REST API: /api/v1/... for every app, the OpenAPI schema and its documentation page."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("v1/", include("organizations.api_urls")),
    path("v1/", include("feedback.api_urls")),
    path("v1/", include("programs.api_urls")),
    path("v1/", include("targets.api_urls")),
    path("v1/", include("reports.api_urls")),
]
