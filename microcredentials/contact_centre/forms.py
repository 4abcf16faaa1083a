"""The contact-centre admin's forms: site alerts and extra closed days, entered in New Zealand time."""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.html import escape

from microcredentials.contact_centre.alerts import AlertStatus, alert_status
from microcredentials.contact_centre.public_holidays import public_holidays
from microcredentials.lib.forms import label_date_and_time_parts
from microcredentials.lib.nztime import NZ_TIME, format_clock, format_date
from microcredentials.models import ClosedDay, SiteAlert

NZ_ZONE = "New Zealand time (Pacific/Auckland)"
NZ_DESCRIPTION = f"All times are {NZ_ZONE}. Daylight saving is allowed for automatically."
# The admin shows help text as HTML, so the example markup is escaped to show as text.
LINK_HELP = escape('Plain text. To add a link, write <a href="https://www.example.govt.nz/">link text</a>.')
# Django's own message names the null character but not where it came from or what to do about it.
NULL_CHARACTER = "The text has a hidden character that cannot be saved, usually from pasting. Type the text in again."
TEXT_FIELDS = ["who", "contact_email", "extra_text", "message"]
DATE_TIME_FIELDS = ["closes_at", "reopens_at", "show_from", "show_until"]
PREVIEW = "_preview"  # the name of the "Preview" button: the form is checked and shown again, nothing is saved
LIVE_NOW = "This shows on every page now"
CONFIRM_LIVE = f"{LIVE_NOW}. Check how it reads below, then tick the box and save again."


def daylight_saving_problem(wall: datetime.datetime) -> str | None:
    """Why a New Zealand wall-clock time cannot be used, if it falls where the clocks change, else None."""
    earlier, later = wall.replace(tzinfo=NZ_TIME, fold=0), wall.replace(tzinfo=NZ_TIME, fold=1)
    if earlier.utcoffset() == later.utcoffset():
        return None
    when = f"{format_clock(wall.time())} on {format_date(wall.date())}"
    if earlier.astimezone(datetime.UTC).astimezone(NZ_TIME).replace(tzinfo=None) != wall:
        return f"There is no {when} in New Zealand: the clocks go forward an hour. Choose another time."
    return f"{when} happens twice in New Zealand: the clocks go back an hour. Choose another time."


class NZDateTimeField(forms.SplitDateTimeField):
    """A date and a time in New Zealand, refused with a message that says what to type instead."""

    default_error_messages = {
        "invalid_date": "Enter the date as year, month and day, for example 2026-12-09.",
        "invalid_time": "Enter the time as hours and minutes on a 24-hour clock, for example 17:00.",
    }

    def compress(self, data_list: tuple[datetime.date, datetime.time] | None) -> datetime.datetime | None:
        # Django refuses these too, but in words about time zones, not about the clocks changing.
        if data_list and all(value not in self.empty_values for value in data_list):
            problem = daylight_saving_problem(datetime.datetime.combine(*data_list))
            if problem:
                raise ValidationError(problem, code="daylight_saving")
        return super().compress(data_list)


class SiteAlertForm(forms.ModelForm):
    """The alert form. Pressing "Preview" checks it and shows it again, saving nothing; saving an alert that
    will show at once needs the "This shows on every page now" box ticked, which appears only then."""

    confirm_live = forms.BooleanField(
        required=False,
        label=LIVE_NOW,
        help_text="Tick to confirm: readers see this on every page as soon as you save.",
        widget=forms.HiddenInput,
    )

    class Meta:
        model = SiteAlert
        fields = [
            "kind",
            "level",
            "who",
            "closes_at",
            "reopens_at",
            "contact_email",
            "extra_text",
            "message",
            "show_from",
            "show_until",
        ]
        labels = {
            "closes_at": "Closes at (New Zealand time)",
            "reopens_at": "Reopens at (New Zealand time)",
            "show_from": "Show from (New Zealand time)",
            "show_until": "Show until (New Zealand time)",
        }
        help_texts = {
            "closes_at": f"{NZ_ZONE}.",
            "reopens_at": f"{NZ_ZONE}. If it is a public holiday or an extra closed day, readers are told the "
            "real reopening time.",
            "contact_email": "Optional. Readers are invited to email this address while you are closed.",
            "extra_text": f"Optional. {LINK_HELP}",
            "message": f"{LINK_HELP} Nothing else is kept.",
            "show_from": f"{NZ_ZONE}. The notice appears on every page from this time.",
            "show_until": f"{NZ_ZONE}. Leave empty on a closure to show it until the centre reopens.",
        }
        field_classes = dict.fromkeys(DATE_TIME_FIELDS, NZDateTimeField)
        error_messages = {
            **{name: {"null_characters_not_allowed": NULL_CHARACTER} for name in TEXT_FIELDS},
            "show_from": {"required": "Enter when to start showing the notice."},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label_date_and_time_parts(self)

    @property
    def previewing(self) -> bool:
        return PREVIEW in self.data

    def is_valid(self) -> bool:
        """Checked as usual, but never valid when previewing, so the admin shows the form again and saves nothing."""
        return super().is_valid() and not self.previewing

    def full_clean(self) -> None:
        super().full_clean()
        # The model's checks run even on a field the form has refused, so a time typed as "9am" would
        # also get "Enter when the contact centre closes.": the form's own message, first, says what to do.
        for name, errors in self.errors.items():
            if name != NON_FIELD_ERRORS:
                del errors[1:]
        if self.is_bound and not self.errors and not self.previewing and self.needs_confirmation():
            self.add_error("confirm_live", CONFIRM_LIVE)
            self.fields["confirm_live"].widget = forms.CheckboxInput()

    def needs_confirmation(self) -> bool:
        """Whether saving would put the alert on every page at once, and nobody has said that is intended."""
        if self.cleaned_data.get("confirm_live"):
            return False
        return alert_status(self.instance, timezone.now()) is AlertStatus.LIVE


class ClosedDayForm(forms.ModelForm):
    class Meta:
        model = ClosedDay
        fields = ["day", "reason"]
        labels = {"day": "Day (New Zealand date)"}

    def clean_day(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["day"]
        holiday = public_holidays(day, day).get(day)
        if holiday:
            raise ValidationError(f"{format_date(day)} is already a public holiday ({holiday}): the centre is closed.")
        return day
