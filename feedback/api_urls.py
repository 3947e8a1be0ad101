from django.urls import path

from .api import public, staff
from .moves import STAFF_MOVES

urlpatterns = [
    path("public/categories/", public.PublicCategoryListApi.as_view(), name="api-public-categories"),
    path(
        "public/items/",
        public.with_plain_json_shortcut(public.PublicItemCreateApi.as_view()),
        name="api-public-item-submit",
    ),
    path("public/items/<str:code>/", public.PublicItemDetailApi.as_view(), name="api-public-item-lookup"),
    # Staff: the scoped list, the detail and one endpoint per decision.
    path("items/", staff.ItemListApi.as_view(), name="api-items"),
    path("items/bulk-forward/", staff.BulkForwardApi.as_view(), name="api-items-bulk-forward"),
    path("recommendations/", staff.RecommendationRecordApi.as_view(), name="api-recommendation-record"),
    path("items/<int:item_id>/", staff.ItemDetailApi.as_view(), name="api-item"),
    # One endpoint per row of the move registry (feedback/moves.py): ItemAcceptApi, ItemForwardApi, ...
    *(
        path(f"items/<int:item_id>/{row.path}/", staff.MOVE_APIS[move].as_view(), name=row.url_name)
        for move, row in STAFF_MOVES.items()
    ),
    path("items/<int:item_id>/escalate/", staff.ItemEscalateApi.as_view(), name="api-item-escalate"),
    path("items/<int:item_id>/complexity/", staff.ItemComplexityApi.as_view(), name="api-item-complexity"),
    path("items/<int:item_id>/extension-requests/", staff.ExtensionRequestApi.as_view(), name="api-item-extension"),
    path(
        "extension-requests/<int:request_id>/decision/",
        staff.ExtensionDecisionApi.as_view(),
        name="api-extension-decision",
    ),
]
