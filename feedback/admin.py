from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from mttq_portal.filters import id_or_none

from .models import (
    CalendarException,
    Campaign,
    Category,
    CategoryRoute,
    DeadlineChase,
    DeadlineRule,
    Item,
    ItemEvent,
    Notification,
    PersonalDataAccess,
)
from .services.personal_data import personal_data_access_record


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_vi", "name_en", "code", "order", "protects_identity", "is_active"]
    list_editable = ["order", "protects_identity", "is_active"]
    search_fields = ["name_vi", "name_en", "code"]


@admin.register(CategoryRoute)
class CategoryRouteAdmin(admin.ModelAdmin):
    list_display = ("category", "commune", "agency")
    list_filter = ("category",)
    autocomplete_fields = ("agency",)
    raw_id_fields = ("commune",)


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = [
        "step",
        "item_type",
        "channel",
        "category",
        "days",
        "day_count",
        "complex_days",
        "remote_days",
        "max_extensions",
        "max_extensions_complex",
        "max_extensions_especially_complex",
        "legal_reference",
        "extension_basis",
        "is_active",
    ]
    list_filter = ["step", "day_count", "is_active"]

    @admin.display(description=_("legal basis of the extensions"))
    def extension_basis(self, obj):
        if obj.extension_is_provincial_rule:
            return _("The province's own rule (no article grants this extension)")
        return obj.extension_legal_reference or "—"

    def has_delete_permission(self, request, obj=None):
        # Due dates record the rule that produced them: deactivate a rule instead of deleting it.
        return False


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "date"


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "unit", "starts_on", "ends_on"]
    autocomplete_fields = ["organization", "unit"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """The history is never edited or deleted, not even by administrators."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    list_display = ["tracking_code", "title", "type", "status", "commune", "current_agency", "due_date", "received_at"]
    list_filter = ["status", "type", "channel"]
    search_fields = ["tracking_code"]
    list_select_related = ["commune", "current_agency"]
    show_full_result_count = False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # An administrator opening an item reads the submitter's identity: recorded like any other reader.
        response = super().change_view(request, object_id, form_url, extra_context)
        item_id = id_or_none(object_id)
        item = Item.objects.filter(pk=item_id).first() if item_id is not None else None
        if item is not None and response.status_code == 200:
            personal_data_access_record(
                user=request.user, items=[item], action=PersonalDataAccess.Action.VIEW, detail="admin", request=request
            )
        return response


@admin.register(ItemEvent)
class ItemEventAdmin(ReadOnlyAdmin):
    list_display = ["item", "kind", "from_status", "to_status", "actor", "actor_label", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["item", "actor"]
    show_full_result_count = False


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "item", "action", "detail"]
    list_filter = ["action"]
    list_select_related = ["user", "item"]
    show_full_result_count = False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Delivery attempts and failures, for administrators (the sweeper retries; nothing is edited here)."""

    list_display = [
        "created_at",
        "template",
        "channel",
        "recipient_user",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "channel", "template"]
    search_fields = ["key"]
    list_select_related = ["recipient_user"]
    # The citizen's address is personal data: administrators see it only on the detail page.
    exclude = ["recipient_address"]
    show_full_result_count = False
    date_hierarchy = "created_at"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        row_id = id_or_none(object_id)
        row = Notification.objects.select_related("item").filter(pk=row_id).first() if row_id is not None else None
        if row is not None and row.item is not None and row.recipient_address and response.status_code == 200:
            personal_data_access_record(
                user=request.user,
                items=[row.item],
                action=PersonalDataAccess.Action.VIEW,
                detail=f"admin notification {row.pk}",
                request=request,
                files=True,
            )
        return response


@admin.register(DeadlineChase)
class DeadlineChaseAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "item", "step", "level", "due_date"]
    list_filter = ["level", "step"]
    list_select_related = ["item"]
    raw_id_fields = ["item"]
    show_full_result_count = False
