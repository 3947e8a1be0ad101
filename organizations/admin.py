from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from mttq_portal.text import fold_vietnamese

from .models import AdministrativeUnit, Membership, Organization, ResidentialArea, User


class FoldedNameAdmin(admin.ModelAdmin):
    """Keeps the diacritic-free search copy of the name in step with edits made in the admin."""

    def save_model(self, request, obj, form, change):
        obj.name_folded = fold_vietnamese(obj.name)
        super().save_model(request, obj, form, change)


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(FoldedNameAdmin):
    list_display = ["name", "code", "kind", "is_remote_area"]
    list_filter = ["kind", "is_remote_area"]
    list_editable = ["is_remote_area"]
    search_fields = ["name", "name_folded", "code"]
    readonly_fields = ["code"]
    list_per_page = 50


@admin.register(ResidentialArea)
class ResidentialAreaAdmin(FoldedNameAdmin):
    list_display = ["name", "commune", "kind", "work_committee_head", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "name_folded", "commune__name"]
    autocomplete_fields = ["commune"]
    list_select_related = ["commune"]


@admin.register(Organization)
class OrganizationAdmin(FoldedNameAdmin):
    list_display = ["name", "kind", "level", "unit", "is_active"]
    list_filter = ["level", "kind", "is_active"]
    search_fields = ["name", "name_folded", "code"]
    autocomplete_fields = ["unit", "parent"]
    list_select_related = ["unit"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    fieldsets = (*UserAdmin.fieldsets, (None, {"fields": ("phone",)}))


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "organization__name"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]

    def has_delete_permission(self, request, obj=None):
        # Deactivate instead: who could see what must stay on record.
        return False
