from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("chuong-trinh/", views.programme_list, name="programme_list"),
    path("chuong-trinh/<int:number>/", views.programme_detail, name="programme_detail"),
    path("chuong-trinh/<int:number>/hoat-dong/moi/", views.activity_create, name="activity_create"),
    path("chuong-trinh/hoat-dong/<int:activity_id>/", views.activity_detail, name="activity_detail"),
    path(
        "chuong-trinh/hoat-dong/<int:activity_id>/minh-chung/",
        views.activity_evidence_add,
        name="activity_evidence_add",
    ),
    path("chuong-trinh/moc/<int:milestone_id>/hoan-thanh/", views.milestone_complete, name="milestone_complete"),
    path("chuong-trinh/minh-chung/<int:evidence_id>/", views.evidence_download, name="evidence_download"),
    path("chuong-trinh/thang-nghe-dan-noi/", views.campaign_list, name="campaign_list"),
    path("dan-van-kheo/", views.skilful_model_list, name="skilful_model_list"),
    path("dan-van-kheo/moi/", views.skilful_model_create, name="skilful_model_create"),
    path("dan-van-kheo/<int:model_id>/", views.skilful_model_detail, name="skilful_model_detail"),
]
