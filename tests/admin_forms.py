"""Build the POST body an editor's browser would send for an admin change page as rendered."""

import datetime

from django import forms


def _field_values(form) -> dict:
    data = {}
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        widget = field.widget
        if isinstance(widget, forms.MultiWidget):
            parts = widget.decompress(value) if not isinstance(value, list) else value
            for suffix, part in zip(widget.widgets_names, parts, strict=True):
                data[bound.html_name + suffix] = part or ""
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(item) for item in value]
        elif isinstance(value, datetime.date):
            data[bound.html_name] = value.isoformat()
        elif value is None:
            data[bound.html_name] = ""
        else:
            data[bound.html_name] = str(value) if not isinstance(value, dict | list) else field.prepare_value(value)
    return data


def change_form_data(response) -> dict:
    """The data of the main form and every inline as the change page shows them."""
    data = _field_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management[name].html_name] = str(management[name].value())
        for form in formset.forms:
            data.update(_field_values(form))
    return data
