from django.urls import path

from .api import public, staff

urlpatterns = [
    path("public/categories/", public.PublicCategoryListApi.as_view(), name="api-public-categories"),
    path("public/items/", public.PublicItemCreateApi.as_view(), name="api-public-item-submit"),
    path("public/items/<str:code>/", public.PublicItemDetailApi.as_view(), name="api-public-item-lookup"),
    # Staff: the scoped list, the detail and one endpoint per decision.
    path("items/", staff.ItemListApi.as_view(), name="api-items"),
    path("items/bulk-forward/", staff.BulkForwardApi.as_view(), name="api-items-bulk-forward"),
    path("recommendations/", staff.RecommendationRecordApi.as_view(), name="api-recommendation-record"),
    path("items/<int:item_id>/", staff.ItemDetailApi.as_view(), name="api-item"),
    path("items/<int:item_id>/accept/", staff.ItemAcceptApi.as_view(), name="api-item-accept"),
    path("items/<int:item_id>/reject/", staff.ItemRejectApi.as_view(), name="api-item-reject"),
    path("items/<int:item_id>/merge/", staff.ItemMergeApi.as_view(), name="api-item-merge"),
    path("items/<int:item_id>/withdraw/", staff.ItemWithdrawApi.as_view(), name="api-item-withdraw"),
    path("items/<int:item_id>/forward/", staff.ItemForwardApi.as_view(), name="api-item-forward"),
    path("items/<int:item_id>/reforward/", staff.ItemReforwardApi.as_view(), name="api-item-reforward"),
    path("items/<int:item_id>/return/", staff.ItemReturnApi.as_view(), name="api-item-return"),
    path("items/<int:item_id>/answer/", staff.ItemAnswerApi.as_view(), name="api-item-answer"),
    path("items/<int:item_id>/send-back/", staff.ItemSendBackApi.as_view(), name="api-item-send-back"),
    path("items/<int:item_id>/resolve/", staff.ItemResolveApi.as_view(), name="api-item-resolve"),
    path("items/<int:item_id>/roadmap/", staff.ItemRoadmapApi.as_view(), name="api-item-roadmap"),
    path("items/<int:item_id>/cannot-resolve/", staff.ItemCannotResolveApi.as_view(), name="api-item-cannot-resolve"),
    path("items/<int:item_id>/escalate/", staff.ItemEscalateApi.as_view(), name="api-item-escalate"),
    path("items/<int:item_id>/complexity/", staff.ItemComplexityApi.as_view(), name="api-item-complexity"),
    path("items/<int:item_id>/extension-requests/", staff.ExtensionRequestApi.as_view(), name="api-item-extension"),
    path(
        "extension-requests/<int:request_id>/decision/",
        staff.ExtensionDecisionApi.as_view(),
        name="api-extension-decision",
    ),
]
