from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mttq_portal.form_styles import style_widgets

from .periods import FIRST_YEAR, LAST_YEAR
from .selectors import organizations_user_may_report_for, reportable_indicators


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class ReportForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=None)
    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    period = forms.ChoiceField(label=_("Year"))
    numerator = forms.IntegerField(label=_("Numerator"), min_value=0)
    denominator = forms.IntegerField(label=_("Denominator"), min_value=1)
    note = forms.CharField(
        label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    evidence = MultipleFileField(label=_("Evidence (PDF, picture, Word or Excel; 10 MB at most each)"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = reportable_indicators()
        self.fields["indicator"].label_from_instance = lambda i: f"{i.code} · {i.name}"
        self.fields["organization"].queryset = organizations_user_may_report_for(user=user)
        this_year = timezone.localdate().year
        years = [str(y) for y in range(max(FIRST_YEAR, min(this_year, LAST_YEAR)), FIRST_YEAR - 1, -1)]
        self.fields["period"].choices = [(y, y) for y in years]
        style_widgets(self)


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason for returning"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
