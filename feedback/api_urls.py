from django.urls import path

from .api import public

urlpatterns = [
    path("public/items/", public.PublicItemCreateApi.as_view(), name="api-public-item-submit"),
    path("public/items/<str:code>/", public.PublicItemDetailApi.as_view(), name="api-public-item-lookup"),
]
