from django.contrib import admin

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


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_vi", "name_en", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
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
        "days",
        "day_count",
        "complex_days",
        "remote_days",
        "max_extensions",
        "legal_reference",
        "is_active",
    ]
    list_filter = ["step", "day_count", "is_active"]

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


@admin.register(DeadlineChase)
class DeadlineChaseAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "item", "step", "level", "due_date"]
    list_filter = ["level", "step"]
    list_select_related = ["item"]
    raw_id_fields = ["item"]
    show_full_result_count = False
