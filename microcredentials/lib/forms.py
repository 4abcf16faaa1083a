"""Form helpers shared by the staff forms."""

from django import forms


def label_date_and_time_parts(form: forms.BaseForm) -> None:
    """Give the date box and the time box of every split date-time field a name of its own.

    The admin's <label> names only the first box, so a screen reader announced the time box with no name
    (axe's "label" rule). Each box now says which field and which part it is.
    """
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.SplitDateTimeWidget):
            label = str(field.label or "")
            widget.widgets[0].attrs["aria-label"] = f"{label}: date"
            widget.widgets[1].attrs["aria-label"] = f"{label}: time"
