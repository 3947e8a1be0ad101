from django.urls import path

from . import views

app_name = "targets"

urlpatterns = [
    path("chi-tieu/", views.overview, name="overview"),
    path("chi-tieu/tong-hop/", views.rollup_now, name="rollup-now"),
    path("chi-tieu/bao-cao/", views.report_list, name="report-list"),
    path("chi-tieu/bao-cao/<int:report_id>/", views.report_detail, name="report-detail"),
    path(
        "chi-tieu/bao-cao/<int:report_id>/minh-chung/<int:evidence_id>/",
        views.evidence_download,
        name="evidence-download",
    ),
    path("chi-tieu/phe-duyet/", views.approval_queue, name="approval-queue"),
    path("chi-tieu/phe-duyet/<int:report_id>/", views.report_decide, name="report-decide"),
    path("chi-tieu/<str:code>/", views.target_detail, name="target-detail"),
]
