from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.http import StreamingHttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mttq_portal.text import fold_vietnamese

from .audit import security_events_csv_rows
from .lockout import lockout_lift
from .mfa import mfa_reauth_redirect
from .models import AdministrativeUnit, ApiToken, Membership, Organization, ResidentialArea, SecurityEvent, User
from .services import membership_change_logged
from .tokens import api_token_issue, api_token_revoke


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
    actions = ["lift_lockout"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The user form carries the memberships inline: changing them asks for the second factor again.
        return mfa_reauth_redirect(request=request) or super().change_view(request, object_id, form_url, extra_context)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Membership:
            changed = [*formset.new_objects, *(obj for obj, _fields in formset.changed_objects)]
            for membership in changed:
                membership_change_logged(membership=membership, changed_by=request.user, request=request)

    @admin.action(description=gettext_lazy("Lift the login lock-out of the selected users"))
    def lift_lockout(self, request, queryset):
        for user in queryset:
            lockout_lift(user=user, lifted_by=request.user, request=request)
        messages.success(request, _("The lock-out of the selected users is lifted."))


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Read-only for administrators and auditors, with a CSV of the filtered list (ADR 0120)."""

    list_display = ["created_at", "kind", "actor_username", "ip_address", "object_type", "object_id", "detail"]
    list_filter = ["kind", "created_at", "object_type"]
    search_fields = ["actor_username", "=ip_address", "=object_id"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    list_per_page = 100
    change_list_template = "admin/organizations/securityevent/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        extra = [path("csv/", self.admin_site.admin_view(self.csv_view), name="organizations_securityevent_csv")]
        return extra + super().get_urls()

    def csv_view(self, request):
        """The same rows the filtered list shows (every page), as CSV for an auditor."""
        changelist = self.get_changelist_instance(request)
        events = changelist.get_queryset(request).order_by("created_at", "id").iterator(chunk_size=2000)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(security_events_csv_rows(events), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="security-events-{stamp}.csv"'
        return response


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

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return mfa_reauth_redirect(request=request) or super().changeform_view(
            request, object_id, form_url, extra_context
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        membership_change_logged(membership=obj, changed_by=request.user, request=request)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators issue a key (shown once, on saving) and revoke it; a key is never deleted or edited."""

    list_display = ["name", "organization", "scope", "can_submit", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope", "can_submit", "revoked_at"]
    search_fields = ["name", "prefix", "organization__name"]
    autocomplete_fields = ["organization"]
    list_select_related = ["organization"]
    actions = ["revoke"]

    def add_view(self, request, form_url="", extra_context=None):
        return mfa_reauth_redirect(request=request) or super().add_view(request, form_url, extra_context)

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
