"""Page forms. They only shape the input; the rules live in the services (called by the views)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mttq_portal.ordering import vietnamese_order
from organizations.models import ResidentialArea

from .models import PERIOD_END, PERIOD_START, ActivityKind, RecognitionLevel, SkilfulModelField
from .selectors import linkable_items, recordable_communes, recordable_organizations


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [d for d in data if d] if isinstance(data, list | tuple) else ([data] if data else [])
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def _date_input():
    return forms.DateInput(
        attrs={"type": "date", "class": "form-control", "min": PERIOD_START.isoformat(), "max": PERIOD_END.isoformat()},
        format="%Y-%m-%d",
    )


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of activity"), choices=ActivityKind.choices)
    sub_row = forms.ChoiceField(label=_("Activity line"), required=False)
    held_on = forms.DateField(label=_("Date"), widget=_date_input())
    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    commune = forms.ModelChoiceField(
        label=_("Commune"), queryset=None, required=False, help_text=_("For a provincial organisation: optional.")
    )
    residential_areas = forms.ModelMultipleChoiceField(
        label=_("Residential areas"), queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    participants = forms.IntegerField(label=_("Participants"), min_value=0, initial=0)
    session_count = forms.IntegerField(label=_("Number of sessions"), min_value=1, initial=1)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    outputs = forms.CharField(
        label=_("Outputs"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Minutes, reports...")
    )
    tracking_codes = forms.CharField(
        label=_("Feedback items raised at it"),
        required=False,
        help_text=_("Tracking codes, separated by commas or spaces."),
    )
    evidence = MultipleFileField(label=_("Evidence files"), help_text=_("PDF, images, Word or Excel; 10 MB each."))

    def __init__(self, *args, user, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organization"].queryset = recordable_organizations(user=user).order_by(
            "level", *vietnamese_order("name")
        )
        communes = recordable_communes(user=user)
        self.fields["commune"].queryset = communes
        self.fields["residential_areas"].queryset = ResidentialArea.objects.filter(
            is_active=True, commune__in=communes
        ).select_related("commune")
        sub_rows = list(programme.sub_rows.all())
        if sub_rows:
            first = (programme.main_activities or "")[:90]
            self.fields["sub_row"].choices = [("", first)] + [(str(s.id), s.main_activities[:90]) for s in sub_rows]
        else:
            del self.fields["sub_row"]
        for name, field in self.fields.items():
            if name != "evidence":
                css = "form-select" if isinstance(field.widget, forms.Select | forms.SelectMultiple) else "form-control"
                field.widget.attrs.setdefault("class", css)

    def clean_tracking_codes(self):
        codes = {c.strip().upper() for c in self.cleaned_data["tracking_codes"].replace(",", " ").split() if c.strip()}
        if not codes:
            return []
        found = dict(linkable_items(user=self.user).filter(tracking_code__in=codes).values_list("tracking_code", "id"))
        missing = sorted(codes - set(found))
        if missing:
            raise forms.ValidationError(
                _("Not found in your scope: %(codes)s") % {"codes": ", ".join(missing)}, code="unknown_codes"
            )
        return list(found.values())


class EvidenceForm(forms.Form):
    evidence = MultipleFileField(label=_("Evidence files"), required=True)


class MilestoneCompleteForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=_date_input())
    evidence_note = forms.CharField(
        label=_("Evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_("Document number and date, minutes, report..."),
    )
    evidence = MultipleFileField(label=_("Evidence files"))


class SkilfulModelForm(forms.Form):
    name = forms.CharField(label=_("Model"), max_length=255)
    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=None, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=PERIOD_START.year, max_value=PERIOD_END.year)
    field = forms.ChoiceField(label=_("Field"), choices=SkilfulModelField.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    recognition_level = forms.ChoiceField(label=_("Recognition"), choices=RecognitionLevel.choices)
    recognition = forms.CharField(label=_("Recognition details"), max_length=255, required=False)
    evidence = MultipleFileField(label=_("Evidence files"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = recordable_organizations(user=user).order_by(
            "level", *vietnamese_order("name")
        )
        self.fields["commune"].queryset = recordable_communes(user=user)
        for name, field in self.fields.items():
            if name != "evidence":
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs.setdefault("class", css)
