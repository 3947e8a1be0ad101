from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.models import Category, Channel, ItemType
from mttq_portal.ordering import vietnamese_order
from organizations.selectors import units_for_user


def period_choices(today=None) -> list[tuple[str, str]]:
    today = today or timezone.localdate()
    choices = []
    for year in range(today.year, today.year - 3, -1):
        choices.append((str(year), _("Year %(year)s") % {"year": year}))
        choices.append((f"{year}-H1", _("First half of %(year)s") % {"year": year}))
        choices.append((f"{year}-H2", _("Second half of %(year)s") % {"year": year}))
        for quarter in range(1, 5):
            choices.append((f"{year}-Q{quarter}", _("Quarter %(q)s/%(year)s") % {"q": quarter, "year": year}))
    return choices


class FigureFilterForm(forms.Form):
    """The dashboard's filters (GET). The values are checked again by ``FigureFilters.from_query``."""

    period = forms.ChoiceField(label=_("Period"), required=False)
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=None, required=False, empty_label=_("All"))
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True), required=False, empty_label=_("All")
    )
    type = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("All")), *ItemType.choices])
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("All")), *Channel.choices])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices()
        self.fields["commune"].queryset = units_for_user(user=user).order_by(*vietnamese_order("name"))
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"
