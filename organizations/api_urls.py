from django.urls import path

from . import api

urlpatterns = [
    path("communes/", api.CommuneListApi.as_view(), name="api-communes"),
    path("organizations/", api.OrganizationListApi.as_view(), name="api-organizations"),
    path("me/", api.MeApi.as_view(), name="api-me"),
]
