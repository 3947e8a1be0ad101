from django.urls import path

from . import api

urlpatterns = [
    path("programmes/", api.ProgrammeListApi.as_view(), name="api-programme-list"),
    path("programmes/<int:number>/", api.ProgrammeDetailApi.as_view(), name="api-programme-detail"),
    path("milestones/", api.MilestoneListApi.as_view(), name="api-milestone-list"),
    path("milestones/<int:pk>/", api.MilestoneDetailApi.as_view(), name="api-milestone-detail"),
    path("milestones/<int:pk>/complete/", api.MilestoneCompleteApi.as_view(), name="api-milestone-complete"),
    path("activities/", api.ActivityListApi.as_view(), name="api-activity-list"),
    path("activities/record/", api.ActivityRecordApi.as_view(), name="api-activity-record"),
    path("activities/<int:pk>/", api.ActivityDetailApi.as_view(), name="api-activity-detail"),
    path("activities/<int:pk>/evidence/", api.ActivityEvidenceAddApi.as_view(), name="api-activity-evidence"),
    path("programme-campaigns/", api.CampaignListApi.as_view(), name="api-programme-campaign-list"),
    path("programme-campaigns/<int:pk>/", api.CampaignDetailApi.as_view(), name="api-programme-campaign-detail"),
]
