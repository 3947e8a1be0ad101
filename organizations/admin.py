from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mttq_portal.errors import ApplicationError
from mttq_portal.text import fold_vietnamese

from .audit import security_events_csv_rows
from .invitations import IMPORT_COLUMNS, staff_import, staff_invitation_send
from .lockout import lockout_lift
from .mfa import mfa_reauth_redirect
from .models import (
    AdministrativeUnit,
    ApiToken,
    ApiTokenScope,
    Membership,
    Organization,
    ResidentialArea,
    SecurityEvent,
    User,
)
from .scope import membership_rule_error
from .services import membership_change_logged
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


class MembershipForm(forms.ModelForm):
    """Refuses a role the organisation cannot hold (``organizations.scope.ROLE_KINDS``): a "Front officer" at
    a provincial department would otherwise be saved and read nothing, or worse."""

    class Meta:
        model = Membership
        fields = ["user", "organization", "role", "is_active"]

    def clean(self):
        data = super().clean()
        organization, role = data.get("organization"), data.get("role")
        if organization is not None and role:
            problem = membership_rule_error(role=role, organization=organization)
            if problem:
                self.add_error("role", problem)
        return data


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipForm
    extra = 0
    autocomplete_fields = ["organization"]


class StaffInvitationForm(forms.ModelForm):
    """A new account has no password: its owner chooses one from the invitation email."""

    class Meta:
        model = User
        fields = ["username", "email", "first_name", "last_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    fieldsets = (*UserAdmin.fieldsets, (None, {"fields": ("phone", "is_service_account", "service_organization")}))
    readonly_fields = ["is_service_account", "service_organization"]
    list_filter = [*UserAdmin.list_filter, "is_service_account"]
    add_form = StaffInvitationForm
    add_fieldsets = ((None, {"fields": ("username", "email", "first_name", "last_name")}),)
    actions = ["lift_lockout", "send_invitation"]
    change_list_template = "admin/organizations/user/change_list.html"

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        obj.set_unusable_password()
        super().save_model(request, obj, form, change)
        staff_invitation_send(user=obj, invited_by=request.user, request=request)
        messages.info(request, _("An invitation to choose a password was sent to %(email)s.") % {"email": obj.email})

    @admin.action(description=gettext_lazy("Send a new invitation to the selected users"))
    def send_invitation(self, request, queryset):
        for user in queryset.exclude(email=""):
            staff_invitation_send(user=user, invited_by=request.user, request=request)
        messages.success(request, _("The invitations are sent."))

    def get_urls(self):
        extra = [path("import/", self.admin_site.admin_view(self.import_view), name="organizations_user_import")]
        return extra + super().get_urls()

    def import_view(self, request):
        """Staff from a spreadsheet (name, email, organisation code, role): all rows or none, a report per row."""
        report, error = None, ""
        if request.method == "POST":
            upload = request.FILES.get("file")
            if upload is None:
                error = _("Choose a file.")
            elif upload.size > 2 * 1024 * 1024:
                error = _("The file is too large (2 MB at most).")
            else:
                try:
                    report = staff_import(
                        content=upload.read(), filename=upload.name, invited_by=request.user, request=request
                    )
                except ApplicationError as failure:
                    error = failure.message
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import staff from a spreadsheet"),
            "report": report,
            "error": error,
            "columns": IMPORT_COLUMNS,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/organizations/user/import.html", context)

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
    form = MembershipForm
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


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=ApiTokenScope.choices, widget=forms.CheckboxSelectMultiple, required=True
    )

    class Meta:
        model = ApiToken
        fields = ["name", "organization", "scopes"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators issue a key (shown once, on saving) and revoke it; a key is never deleted or edited."""

    list_display = ["name", "organization", "scopes", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "organization__name"]
    autocomplete_fields = ["organization"]
    list_select_related = ["organization"]
    actions = ["revoke"]

    def add_view(self, request, form_url="", extra_context=None):
        return mfa_reauth_redirect(request=request) or super().add_view(request, form_url, extra_context)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "organization", "scopes"]
        return [
            "name",
            "organization",
            "scopes",
            "prefix",
            "created_by",
            "created_at",
            "last_used_at",
            "revoked_at",
            "revoked_by",
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenForm
        return super().get_form(request, obj, change=change, **kwargs)

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
            scopes=form.cleaned_data["scopes"],
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
