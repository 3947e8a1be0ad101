from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext as _

from mttq_portal.text import fold_vietnamese

from .models import AdministrativeUnit, ApiToken, Membership, Organization, ResidentialArea, User
from .tokens import api_token_issue, api_token_revoke


class FoldedNameAdmin(admin.ModelAdmin):
    """Keeps the diacritic-free search copy of the name in step with edits made in the admin."""

    def save_model(self, request, obj, form, change):
        obj.name_folded = fold_vietnamese(obj.name)
        super().save_model(request, obj, form, change)


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(FoldedNameAdmin):
    list_display = ["name", "code", "kind", "is_remote_area", "remote_area_source"]
    list_filter = ["kind", "is_remote_area"]
    list_editable = ["is_remote_area"]
    search_fields = ["name", "name_folded", "code"]
    readonly_fields = ["code"]
    list_per_page = 50


@admin.register(ResidentialArea)
class ResidentialAreaAdmin(FoldedNameAdmin):
    list_display = ["name", "commune", "kind", "work_committee_head", "is_ethnic_or_religious_area", "is_active"]
    list_filter = ["kind", "is_ethnic_or_religious_area", "is_active"]
    search_fields = ["name", "name_folded", "commune__name"]
    autocomplete_fields = ["commune"]
    list_select_related = ["commune"]
    change_list_template = "admin/organizations/residentialarea/change_list.html"

    def get_urls(self):
        from django.urls import path

        return [
            path("nhap/", self.admin_site.admin_view(self.import_view), name="organizations_residentialarea_import"),
            path(
                "nhap/mau.xlsx",
                self.admin_site.admin_view(self.template_view),
                name="organizations_residentialarea_template",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload a spreadsheet; the report lists every row (all rows are written, or none)."""
        from django.shortcuts import render

        from .imports import MAX_BYTES, residential_areas_import

        if not self.has_add_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        report = None
        if request.method == "POST":
            upload = request.FILES.get("file")
            if upload is None:
                from .imports import AreaImportReport

                report = AreaImportReport(file_error=_("Choose a file."))
            else:
                report = residential_areas_import(
                    data=upload.read(MAX_BYTES + 1), dry_run=bool(request.POST.get("dry_run"))
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import residential areas"),
            "report": report,
        }
        return render(request, "admin/organizations/residentialarea/import.html", context)

    def template_view(self, request):
        from django.http import HttpResponse

        from .imports import template_workbook

        response = HttpResponse(
            template_workbook(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = 'attachment; filename="khu-dan-cu.xlsx"'
        return response


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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators issue a key (shown once, on saving) and revoke it; a key is never deleted or edited."""

    list_display = ["name", "organization", "scope", "can_submit", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope", "can_submit", "revoked_at"]
    search_fields = ["name", "prefix", "organization__name"]
    autocomplete_fields = ["organization"]
    list_select_related = ["organization"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "organization", "scope", "can_submit"]
        return [
            "name",
            "organization",
            "scope",
            "can_submit",
            "prefix",
            "created_by",
            "created_at",
            "last_used_at",
            "revoked_at",
            "revoked_by",
        ]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, key = api_token_issue(
            organization=obj.organization,
            name=obj.name,
            scope=obj.scope,
            can_submit=obj.can_submit,
            created_by=request.user,
        )
        obj.pk = token.pk
        messages.warning(
            request,
            _("The key for “%(name)s” is shown only this once; copy it now: %(key)s")
            % {"name": token.name, "key": key},
        )

    @admin.action(description=_("Revoke the selected API tokens"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token, revoked_by=request.user)
        messages.success(request, _("The selected API tokens are revoked."))
