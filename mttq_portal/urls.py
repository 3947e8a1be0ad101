from django.contrib import admin
from django.urls import include, path

from . import views
from .health import READINESS_CHECKS, WEB_READINESS_CHECKS, ReadinessView
from .observability import metrics_view

urlpatterns = [
    # The API's and Open311's prefixes first: the submissions of apps are resolved in the fewest tries, and the
    # pages pay two quick prefix refusals for it (none of the patterns below begins with these prefixes).
    path("api/", include("mttq_portal.api_urls")),
    path("open311/v2/", include("feedback.open311.urls")),
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", ReadinessView.as_view(checks=READINESS_CHECKS), name="readyz"),
    path("readyz/web", ReadinessView.as_view(checks=WEB_READINESS_CHECKS), name="readyz-web"),
    path("metrics", metrics_view, name="metrics"),
    path("bat-dau/", views.staff_landing, name="staff-landing"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("organizations.urls")),
    path("webauthn/", include("organizations.webauthn")),
    path("quan-tri/", admin.site.urls),
    path("", include("feedback.urls")),
    path("", include("programs.urls")),
    path("", include("targets.urls")),
    path("", include("reports.urls")),
]

handler400 = "mttq_portal.views.error_400"
handler403 = "mttq_portal.views.error_403"
handler404 = "mttq_portal.views.error_404"
handler500 = "mttq_portal.views.error_500"
