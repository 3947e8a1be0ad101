"""Forms of the public pages. They render fields and keep what was typed; the rules live in the services,
whose field errors are put back next to the fields (``add_service_errors``)."""

import secrets

from django import forms
from django.conf import settings
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mttq_portal.errors import ApplicationError
from mttq_portal.form_styles import style_widgets
from organizations.models import AdministrativeUnit, ResidentialArea, UnitKind

from .models import PUBLIC_ITEM_TYPES, Category, ItemType, item_field_max
from .phones import normalize_vn_phone
from .services.intake import IDEMPOTENCY_KEY_MAX, PHONE_INPUT_MAX

TYPE_HELP = {
    ItemType.OPINION: _("Your view on a policy, a plan or the work of an authority."),
    ItemType.RECOMMENDATION: _("You propose that something be done or changed."),
    ItemType.REPORT: _("You report a problem you saw (a road, pollution, a service, an official's conduct)."),
    ItemType.COMPLAINT: _("You ask that a decision or action concerning you be reviewed."),
    ItemType.DENUNCIATION: _("You report a violation of the law by an official or an organisation."),
}

# Service field names → form field names, so a service error shows next to its field.
SERVICE_FIELD = {
    "category": "category",
    "commune": "commune",
    "residential_area": "residential_area",
    "consent_processing": "consent_processing",
    "consent_contact": "consent_contact",
    "attachments": "attachments",
    "latitude": "latitude",
    "longitude": "latitude",
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.webp,.pdf,.docx,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class CommuneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class SubmitForm(forms.Form):
    type = forms.ChoiceField(
        label=_("What kind of matter is it?"),
        choices=[(t.value, t.label) for t in PUBLIC_ITEM_TYPES],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the kind of matter."), "invalid_choice": _("Choose the kind of matter.")},
    )
    category = forms.ModelChoiceField(
        label=_("Field"),
        queryset=Category.objects.filter(is_active=True),
        empty_label=_("— choose a field —"),
        error_messages={
            "required": _("Choose a field from the list."),
            "invalid_choice": _("Choose a field from the list."),
        },
    )
    commune = CommuneChoiceField(
        label=_("Commune or ward"),
        queryset=AdministrativeUnit.objects.filter(
            kind__in=[UnitKind.COMMUNE, UnitKind.WARD, UnitKind.SPECIAL_ZONE]
        ).only("id", "name"),
        empty_label=_("— choose your commune or ward —"),
        error_messages={
            "required": _("Choose your commune or ward from the list."),
            "invalid_choice": _("Choose your commune or ward from the list."),
        },
    )
    residential_area = forms.ModelChoiceField(
        label=_("Village, hamlet or residential group (optional)"),
        queryset=ResidentialArea.objects.filter(is_active=True).select_related("commune"),
        required=False,
        empty_label=_("— not specified —"),
        error_messages={"invalid_choice": _("This village or residential group is not in the chosen commune.")},
    )
    address_text = forms.CharField(
        label=_("Place (optional)"), max_length=item_field_max("address_text"), required=False
    )
    latitude = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(required=False, widget=forms.HiddenInput, max_digits=9, decimal_places=6)
    title = forms.CharField(
        label=_("Title"),
        max_length=item_field_max("title"),
        error_messages={
            "required": _("Please give a short title."),
            "max_length": _("The title is too long (at most %(limit_value)d characters)."),
        },
    )
    content = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=item_field_max("content"),
        error_messages={"required": _("Please describe what happened.")},
    )
    request_text = forms.CharField(
        label=_("What do you ask? (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=item_field_max("request_text"),
    )
    attachments = MultipleFileField(label=_("Photos or documents (optional)"), required=False)
    is_anonymous = forms.BooleanField(label=_("Send anonymously (without my name and contact)"), required=False)
    submitter_name = forms.CharField(label=_("Full name"), max_length=item_field_max("submitter_name"), required=False)
    submitter_phone = forms.CharField(
        label=_("Phone"),
        max_length=PHONE_INPUT_MAX,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    submitter_email = forms.CharField(
        label=_("Email"),
        max_length=item_field_max("submitter_email"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    submitter_address = forms.CharField(
        label=_("Address"), max_length=item_field_max("submitter_address"), required=False
    )
    consent_processing = forms.BooleanField(
        label=_("I agree that the Front processes my matter and forwards it to the competent body (required)."),
        required=True,
        error_messages={
            "required": _("We can only handle your matter if you agree that the Front processes and forwards it.")
        },
    )
    consent_contact = forms.BooleanField(
        label=_("The Front may contact me by phone, SMS or email about this matter."), required=False
    )
    consent_publish = forms.BooleanField(
        label=_("My matter and its answer may be published without my name or contact details."), required=False
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=IDEMPOTENCY_KEY_MAX)
    # Honeypot: hidden from people (off-screen, not tabbable); bots fill every field.
    fax_number = forms.CharField(required=False, label=_("Leave this empty"), max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["idempotency_key"] = secrets.token_urlsafe(24)
        style_widgets(self)
        self.fields["fax_number"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["attachments"].help_text = _(
            "Photos (JPEG, PNG, WebP), PDF, Word (.docx) or Excel (.xlsx), up to %(mb)s MB each."
        ) % {"mb": settings.FEEDBACK_MAX_ATTACHMENT_BYTES // (1024 * 1024)}

    def clean_submitter_phone(self):
        raw = self.cleaned_data.get("submitter_phone", "")
        if raw.strip():
            try:
                normalize_vn_phone(raw)
            except ApplicationError as error:
                raise forms.ValidationError(error.message) from None
        return raw

    def clean_submitter_email(self):
        raw = self.cleaned_data.get("submitter_email", "").strip()
        if raw:
            try:
                validate_email(raw)
            except forms.ValidationError:
                raise forms.ValidationError(_("Enter a valid email address, e.g. ten@example.vn.")) from None
        return raw

    def type_choices_with_help(self):
        return [(value, label, TYPE_HELP.get(value, "")) for value, label in self.fields["type"].choices]

    def add_service_errors(self, error) -> None:
        placed = False
        for field, messages in (error.fields or {}).items():
            name = SERVICE_FIELD.get(field, field)
            if name in self.fields:
                for message in messages:
                    self.add_error(name, str(message))
                placed = True
        if not placed:
            self.add_error(None, error.message)


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Enter the tracking code from your receipt.")},
    )
    secret = forms.CharField(
        label=_("Secret"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    phone_digits = forms.CharField(
        label=_("or the last 4 digits of the phone you gave"),
        max_length=4,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def clean(self):
        data = super().clean()
        if not data.get("secret") and not data.get("phone_digits"):
            raise forms.ValidationError(_("Enter the secret from your receipt, or the last 4 digits of your phone."))
        return data


class RateForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Are you satisfied with the answer?"),
        choices=[("1", _("Satisfied")), ("0", _("Not satisfied"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose satisfied or not satisfied.")},
    )
    comment = forms.CharField(label=_("Comment (optional)"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class RecordForm(SubmitForm):
    """An officer records a citizen's matter: every type, the channel and how consent was obtained."""

    channel = forms.ChoiceField(label=_("Where the matter was collected"), choices=())
    consent_method = forms.ChoiceField(label=_("How the citizen's consent was obtained"), choices=())
    is_mass_petition = forms.BooleanField(label=_("Mass petition (5 or more signatories)"), required=False)
    is_complex = forms.BooleanField(label=_("Complex case"), required=False)
    received_on = forms.DateField(
        label=_("Received on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        required=False,
        help_text=_("Left empty: today."),
        error_messages={
            "invalid": _("Give the day the matter was received as dd/mm/yyyy."),
        },
    )

    field_order = ["received_on", "channel", "commune", "type", "category"]

    def __init__(self, *args, user, **kwargs):
        from organizations.selectors import units_for_user, user_scope

        from .models import Channel, ConsentMethod, ItemType
        from .services.recording import OFFICER_CHANNELS, OFFICER_CONSENT

        super().__init__(*args, **kwargs)
        # The widget is replaced first: a new widget carries no choices of its own, so setting the field's
        # choices afterwards is what fills the dropdown.
        self.fields["type"].widget = forms.Select(attrs={"class": "form-select"})
        self.fields["type"].choices = [("", _("— choose the type —")), *ItemType.choices]
        self.fields["type"].label = _("Type of matter")
        self.fields["is_anonymous"].label = _("The citizen does not give a name or contact")
        self.fields["title"].label = _("Title of the matter")
        self.fields["content"].label = _("What the citizen raised")
        self.fields["request_text"].label = _("What the citizen asks (optional)")
        self.fields["attachments"].label = _("Documents handed in (optional, at most 5)")
        self.fields["submitter_name"].label = _("Citizen's full name")
        self.fields["submitter_phone"].label = _("Citizen's phone")
        self.fields["submitter_email"].label = _("Citizen's email")
        self.fields["submitter_address"].label = _("Citizen's address")
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["channel"].choices = [(c.value, Channel(c).label) for c in OFFICER_CHANNELS]
        self.fields["consent_method"].choices = [(c.value, ConsentMethod(c).label) for c in OFFICER_CONSENT]
        communes = units_for_user(user=user).only("id", "name")
        self.fields["commune"].queryset = communes
        own = sorted(user_scope(user=user).front_unit_ids)
        if len(own) == 1:
            self.fields["commune"].initial = own[0]
        self.fields["consent_processing"].label = _(
            "The citizen agreed that the Front processes the matter and forwards it (required)."
        )
        self.fields["consent_contact"].label = _("The citizen agreed to be contacted about it.")
        self.fields["consent_publish"].label = _("The citizen agreed to publication without name or contact.")
        style_widgets(self)

    def clean_received_on(self):
        received = self.cleaned_data.get("received_on") or timezone.localdate()
        if received > timezone.localdate():
            raise forms.ValidationError(_("The day received cannot be in the future."))
        return received


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx) filled from the template"))
    channel = forms.ChoiceField(label=_("Where the list was collected"), choices=())
    consent_method = forms.ChoiceField(label=_("How the citizens' consent was obtained"), choices=())

    def __init__(self, *args, **kwargs):
        from .models import Channel, ConsentMethod
        from .services.recording import OFFICER_CHANNELS, OFFICER_CONSENT

        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [(c.value, Channel(c).label) for c in OFFICER_CHANNELS]
        self.fields["consent_method"].choices = [(c.value, ConsentMethod(c).label) for c in OFFICER_CONSENT]
        self.fields["consent_method"].initial = ConsentMethod.MEETING_RECORD
        style_widgets(self)
