from django.urls import path

from .views import attachments as attachment_views
from .views import notifications
from .views import public as public_views

urlpatterns = [
    path("gui-y-kien/", public_views.submit_view, name="feedback-submit"),
    path("tra-cuu/", public_views.lookup_view, name="feedback-lookup"),
    path("tra-cuu/danh-gia/", public_views.lookup_action_view, {"action": "rate"}, name="feedback-rate"),
    path("tra-cuu/khong-dong-y/", public_views.lookup_action_view, {"action": "dispute"}, name="feedback-dispute"),
    path("tra-cuu/rut-y-kien/", public_views.lookup_action_view, {"action": "withdraw"}, name="feedback-withdraw"),
    path("cong-khai/", public_views.public_record_view, name="feedback-public-record"),
    path("thong-bao-du-lieu-ca-nhan/", public_views.privacy_notice_view, name="feedback-privacy-notice"),
    path("tep/<int:pk>/", attachment_views.attachment_download, name="feedback-attachment"),
    path("thong-bao/", notifications.notification_list, name="notifications"),
    path("thong-bao/chua-doc/", notifications.notification_unread_badge, name="notifications-unread"),
    path("thong-bao/da-doc/", notifications.notification_mark_read, name="notifications-mark-read"),
]
