from django.urls import path

from . import api

urlpatterns = [
    path("reports/compliance/", api.ComplianceApi.as_view(), name="api-compliance"),
    path("reports/items/", api.ItemListApi.as_view(), name="api-report-items"),
]
