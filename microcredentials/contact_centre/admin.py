"""Contact-centre staff's admin: site alerts, opening hours and contact details.

Every time here is entered and shown in New Zealand time, and the forms say so.
Registered with the admin site when microcredentials.editing.admin imports this module.
"""

import datetime
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

from microcredentials.contact_centre.alerts import AlertStatus, alert_wording, reader_status
from microcredentials.lib.forms import label_date_and_time_parts
from microcredentials.lib.nztime import NZ_TIME, format_clock, format_date, format_moment, format_when
from microcredentials.models import ContactDetails, OpeningHours, SiteAlert

NZ_ZONE = "New Zealand time (Pacific/Auckland)"
NZ_DESCRIPTION = f"All times are {NZ_ZONE}. Daylight saving is allowed for automatically."
# The admin shows help text as HTML, so the example markup is escaped to show as text.
LINK_HELP = escape('Plain text. To add a link, write <a href="https://www.example.govt.nz/">link text</a>.')
# Django's own message names the null character but not where it came from or what to do about it.
NULL_CHARACTER = "The text has a hidden character that cannot be saved, usually from pasting. Type the text in again."
TEXT_FIELDS = ["who", "contact_email", "extra_text", "message"]
DATE_TIME_FIELDS = ["closes_at", "reopens_at", "show_from", "show_until"]


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
            "closes_at": "Closes at (NZ time)",
            "reopens_at": "Reopens at (NZ time)",
            "show_from": "Show from (NZ time)",
            "show_until": "Show until (NZ time)",
        }
        help_texts = {
            "closes_at": f"{NZ_ZONE}.",
            "reopens_at": f"{NZ_ZONE}.",
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

    def full_clean(self) -> None:
        super().full_clean()
        # The model's checks run even on a field the form has refused, so a time typed as "9am" would
        # also get "Enter when the contact centre closes.": the form's own message, first, says what to do.
        for name, errors in self.errors.items():
            if name != NON_FIELD_ERRORS:
                del errors[1:]


def _nz_when(moment: datetime.datetime | None) -> str:
    if moment is None:
        return "–"
    return format_when(moment)


class SiteAlertAdmin(admin.ModelAdmin):
    form = SiteAlertForm
    list_display = ["__str__", "level", "shows_from", "shows_until", "status"]
    list_filter = ["kind", "level"]
    readonly_fields = ["status", "wording_now"]
    fieldsets = [
        (None, {"fields": ["kind", "level"], "description": NZ_DESCRIPTION}),
        (
            "Contact centre closure",
            {
                "fields": ["who", "closes_at", "reopens_at", "contact_email", "extra_text"],
                "description": "Fill in this part for a closure. The sentence readers see is written for you.",
            },
        ),
        ("General notice", {"fields": ["message"], "description": "Fill in this part for a general notice."}),
        ("When to show it", {"fields": ["show_from", "show_until"], "description": NZ_DESCRIPTION}),
        ("How it reads", {"fields": ["status", "wording_now"]}),
    ]

    @admin.display(description="Shows from (NZ time)", ordering="show_from")
    def shows_from(self, alert: SiteAlert) -> str:
        return _nz_when(alert.show_from)

    @admin.display(description="Shows until (NZ time)", ordering="show_until")
    def shows_until(self, alert: SiteAlert) -> str:
        if alert.show_until is None and alert.kind == SiteAlert.Kind.CLOSURE:
            return f"Reopening, {_nz_when(alert.reopens_at)}"
        return _nz_when(alert.show_until)

    @admin.display(description="Status")
    def status(self, alert: SiteAlert) -> str:
        if alert.pk is None:
            return "Not saved yet."
        return reader_status(alert, timezone.now())

    @admin.display(description="What readers see now")
    def wording_now(self, alert: SiteAlert) -> SafeString | str:
        if alert.pk is None:
            return "Shown here once the notice is saved."
        now = timezone.now()
        status = reader_status(alert, now)
        if status is AlertStatus.SHOWN_NOW:
            return alert_wording(alert, now)
        if status is AlertStatus.SCHEDULED:  # worded for the moment it starts showing
            starts = alert.show_from
            return format_html(
                "Not shown yet. From {} it will read: {}", format_moment(starts, now), alert_wording(alert, starts)
            )
        if status is AlertStatus.EXPIRED:
            return "Not shown any more: the time to show it has passed."
        return format_html(
            "Not shown now: another alert takes priority. If it were shown, it would read: {}",
            alert_wording(alert, now),
        )

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Entered and shown in New Zealand time, whatever zone might be active for the request.
        with timezone.override(NZ_TIME):
            return super().changeform_view(request, *args, **kwargs)


class OpeningHoursForm(forms.ModelForm):
    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]
        labels = {"opens": "Opens (NZ time)", "closes": "Closes (NZ time)"}
        help_texts = {"opens": f"{NZ_ZONE}, 24-hour clock, e.g. 08:30.", "closes": f"{NZ_ZONE}, e.g. 17:00."}


class OpeningHoursAdmin(admin.ModelAdmin):
    form = OpeningHoursForm
    list_display = ["weekday", "opens_at", "closes_at"]

    # Listed as the contact page writes them (8.30am), not in Django's default style (8:30 a.m.).
    @admin.display(description="Opens (NZ time)", ordering="opens")
    def opens_at(self, hours: OpeningHours) -> str:
        return format_clock(hours.opens)

    @admin.display(description="Closes (NZ time)", ordering="closes")
    def closes_at(self, hours: OpeningHours) -> str:
        return format_clock(hours.closes)


class ContactDetailsAdmin(admin.ModelAdmin):
    """A single row: it can be changed but not added twice or deleted."""

    list_display = ["name", "email", "phone"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not ContactDetails.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: ContactDetails | None = None) -> bool:
        return False
