"""Admin: the annex text is read-only (it is the resolution, seeded verbatim); a milestone's due date may be
corrected (see ADR 0005); activities, evidence and events are shown, never deleted."""

from django.contrib import admin

from .models import (
    Activity,
    EvidenceFile,
    Milestone,
    MilestoneReminder,
    Programme,
    ProgrammeEvent,
    ProgrammeQuantity,
    ProgrammeSubRow,
    SkilfulMobilisationModel,
)

ANNEX_CELLS = ["main_activities", "lead_text", "coordinating_text", "outputs", "rhythm", "completion_text"]


class NoDeleteAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


class SubRowInline(admin.StackedInline):
    model = ProgrammeSubRow
    extra = 0
    readonly_fields = ["position", *ANNEX_CELLS]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Programme)
class ProgrammeAdmin(NoDeleteAdmin):
    list_display = ["number", "title", "lead_text"]
    readonly_fields = ["number", "title", *ANNEX_CELLS]
    filter_horizontal = ["lead_organizations", "coordinating_organizations"]
    fields = ["number", "title", *ANNEX_CELLS, "lead_organizations", "coordinating_organizations"]
    inlines = [SubRowInline]

    def has_add_permission(self, request):
        return False


@admin.register(Milestone)
class MilestoneAdmin(NoDeleteAdmin):
    list_display = ["programme", "kind", "label", "due_date", "done_on"]
    list_filter = ["kind", "programme"]
    date_hierarchy = "due_date"
    readonly_fields = ["programme", "sub_row", "key", "kind", "label", "done_on", "done_by", "completed_at"]
    fields = ["programme", "sub_row", "key", "kind", "label", "due_date", "done_on", "done_by", "evidence_note"]

    def has_add_permission(self, request):
        return False


@admin.register(ProgrammeQuantity)
class ProgrammeQuantityAdmin(NoDeleteAdmin):
    list_display = ["programme", "label", "measure", "per_year_min", "per_year_max", "per_organization"]


@admin.register(Activity)
class ActivityAdmin(NoDeleteAdmin):
    list_display = ["held_on", "programme", "kind", "organization", "commune", "participants"]
    list_filter = ["kind", "programme"]
    date_hierarchy = "held_on"
    search_fields = ["search_text"]
    list_select_related = ["programme", "organization", "commune"]
    raw_id_fields = ["organization", "commune", "residential_areas", "created_by"]

    def has_add_permission(self, request):
        return False  # recorded through the page or the API, so the rules apply


@admin.register(SkilfulMobilisationModel)
class SkilfulMobilisationModelAdmin(NoDeleteAdmin):
    list_display = ["name", "year", "field", "organization", "commune", "recognition_level"]
    list_filter = ["year", "field", "recognition_level"]
    search_fields = ["name_folded"]
    raw_id_fields = ["organization", "commune", "created_by"]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(NoDeleteAdmin):
    list_display = ["original_name", "content_type", "size", "activity", "milestone", "skilful_model", "created_at"]
    readonly_fields = [f.name for f in EvidenceFile._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ProgrammeEvent)
class ProgrammeEventAdmin(NoDeleteAdmin):
    list_display = ["created_at", "kind", "programme", "actor"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in ProgrammeEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MilestoneReminder)
class MilestoneReminderAdmin(NoDeleteAdmin):
    list_display = ["milestone", "days_before", "due_date", "created_at"]
    readonly_fields = [f.name for f in MilestoneReminder._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
