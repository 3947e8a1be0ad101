from django.urls import path

from . import views

urlpatterns = [
    path("bao-cao/", views.province_dashboard, name="reports-dashboard"),
    path("bao-cao/xa/<int:commune_id>/", views.commune_dashboard, name="reports-commune-dashboard"),
    path("bao-cao/danh-sach/", views.item_list, name="reports-items"),
    path("bao-cao/y-kien/<int:item_id>/", views.item_detail, name="reports-item"),
    path("bao-cao/tep/", views.report_files, name="reports-files"),
    path("bao-cao/tep/tai/", views.report_download, name="reports-download"),
]
