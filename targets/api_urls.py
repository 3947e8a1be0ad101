from django.urls import path

from . import api

urlpatterns = [
    path("targets/", api.TargetListApi.as_view(), name="api-targets"),
    path("indicators/", api.IndicatorListApi.as_view(), name="api-indicators"),
    path("indicator-values/", api.ValueListApi.as_view(), name="api-indicator-values"),
    path("target-reports/", api.ReportListApi.as_view(), name="api-target-reports"),
    path("target-reports/submit/", api.ReportSubmitApi.as_view(), name="api-target-report-submit"),
    path("target-reports/<int:report_id>/approve/", api.ReportApproveApi.as_view(), name="api-target-report-approve"),
    path("target-reports/<int:report_id>/return/", api.ReportReturnApi.as_view(), name="api-target-report-return"),
]
