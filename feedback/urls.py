from django.urls import path

from .views import answer_files as answer_file_views
from .views import attachments as attachment_views
from .views import data_rights, notifications, recording, workspace
from .views import deadlines as deadline_views
from .views import public as public_views

urlpatterns = [
    path("gui-y-kien/", public_views.submit_view, name="feedback-submit"),
    path("gui-y-kien/cung-gap/", public_views.support_view, name="feedback-support"),
    path("tra-cuu/", public_views.lookup_view, name="feedback-lookup"),
    path("tra-cuu/danh-gia/", public_views.lookup_action_view, {"action": "rate"}, name="feedback-rate"),
    path("tra-cuu/khong-dong-y/", public_views.lookup_action_view, {"action": "dispute"}, name="feedback-dispute"),
    path("tra-cuu/rut-y-kien/", public_views.lookup_action_view, {"action": "withdraw"}, name="feedback-withdraw"),
    path("y-kien/ma/<str:code>/", public_views.item_page_view, name="feedback-item-page"),
    path("y-kien/<str:token>/", public_views.item_link_view, name="feedback-item-link"),
    path("cong-khai/", public_views.public_record_view, name="feedback-public-record"),
    # The citizen's rights over their data (Law 91/2025), a section of the lookup page.
    path("tra-cuu/du-lieu-cua-toi/", data_rights.data_download_view, name="feedback-data-download"),
    path("tra-cuu/rut-dong-y/", data_rights.consent_withdraw_view, name="feedback-consent-withdraw"),
    path("tra-cuu/yeu-cau-xoa/", data_rights.erasure_request_view, name="feedback-erasure-request"),
    path("can-bo/yeu-cau-du-lieu/", data_rights.data_request_register_view, name="workspace-data-requests"),
    path(
        "can-bo/yeu-cau-du-lieu/<int:request_id>/xu-ly/",
        data_rights.data_request_handle_view,
        name="workspace-data-request-handle",
    ),
    path("can-bo/tim-theo-nguoi/", data_rights.person_items_view, name="workspace-person-items"),
    path("cong-khai/<int:item_id>/", public_views.public_record_item_view, name="feedback-public-record-item"),
    path("thong-bao-du-lieu-ca-nhan/", public_views.privacy_notice_view, name="feedback-privacy-notice"),
    path("tep/<int:pk>/", attachment_views.attachment_download, name="feedback-attachment"),
    path("qua-han/", deadline_views.board_overdue_view, name="board-overdue"),
    path("thong-bao/", notifications.notification_list, name="notifications"),
    path("thong-bao/chua-doc/", notifications.notification_unread_badge, name="notifications-unread"),
    path("thong-bao/den-han/", notifications.due_today_badge, name="workspace-due-today"),
    path("thong-bao/da-doc/", notifications.notification_mark_read, name="notifications-mark-read"),
    # The officers' workspace.
    path("can-bo/viec/", workspace.queue_view, name="workspace-queue"),
    path("can-bo/viec/chuyen-nhieu/", workspace.bulk_forward_view, name="workspace-bulk-forward"),
    path("can-bo/viec/<int:item_id>/", workspace.item_view, name="workspace-item"),
    path("can-bo/viec/<int:item_id>/buoc/<str:move>/", workspace.item_move_view, name="workspace-item-move"),
    path("can-bo/viec/<int:item_id>/len-tinh/", workspace.item_escalate_view, name="workspace-item-escalate"),
    path("can-bo/viec/<int:item_id>/gia-han/", workspace.extension_request_view, name="workspace-extension-request"),
    path(
        "can-bo/viec/<int:item_id>/gia-han/<int:request_id>/",
        workspace.extension_decide_view,
        name="workspace-extension-decide",
    ),
    path(
        "can-bo/viec/<int:item_id>/tep-cong-khai/", answer_file_views.answer_files_view, name="workspace-answer-files"
    ),
    path("can-bo/hop-thu/", workspace.inbox_view, name="workspace-inbox"),
    path("can-bo/ghi-nhan/", recording.record_view, name="workspace-record"),
    path("can-bo/nhap-excel/", recording.import_view, name="workspace-import"),
    path("can-bo/nhap-excel/mau.xlsx", recording.import_template_view, name="workspace-import-template"),
]
