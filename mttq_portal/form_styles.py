"""The look of the portal's forms: Bootstrap's classes on each widget, for templates that render fields one by
one."""

from django import forms


def style_widgets(form: forms.Form) -> None:
    """Bootstrap classes on the widgets (the templates render fields one by one)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        elif isinstance(widget, forms.HiddenInput):
            continue
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
