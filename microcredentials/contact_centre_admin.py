"""Contact-centre staff's admin: site alerts, opening hours and contact details.

Every time here is entered and shown in New Zealand time, and the forms say so.
Registered with the admin site when microcredentials.admin imports this module.
"""

import datetime
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString

from microcredentials.alerts import NZ_TIME, alert_status, alert_text_html, closure_wording, format_time
from microcredentials.models import ContactDetails, OpeningHours, SiteAlert

NZ_ZONE = "New Zealand time (Pacific/Auckland)"
NZ_DESCRIPTION = f"All times are {NZ_ZONE}. Daylight saving is allowed for automatically."
# The admin shows help text as HTML, so the example markup is escaped to show as text.
LINK_HELP = escape('Plain text. To add a link, write <a href="https://www.example.govt.nz/">link text</a>.')


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


def _nz_when(moment: datetime.datetime | None) -> str:
    if moment is None:
        return "–"
    return f"{timezone.localtime(moment, NZ_TIME):%a %d %b %Y}, {format_time(moment)}"


@admin.register(SiteAlert)
class SiteAlertAdmin(admin.ModelAdmin):
    form = SiteAlertForm
    list_display = ["__str__", "level", "shows_from", "shows_until", "status"]
    list_filter = ["kind", "level"]
    readonly_fields = ["wording_now"]
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
        ("How it reads", {"fields": ["wording_now"]}),
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
        return alert_status(alert, timezone.now())

    @admin.display(description="What readers see now")
    def wording_now(self, alert: SiteAlert) -> SafeString | str:
        if alert.pk is None:
            return "Shown here once the notice is saved."
        if alert.kind == SiteAlert.Kind.CLOSURE:
            return closure_wording(alert, timezone.now())
        return alert_text_html(alert.message)

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


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    form = OpeningHoursForm
    list_display = ["weekday", "opens", "closes"]


@admin.register(ContactDetails)
class ContactDetailsAdmin(admin.ModelAdmin):
    """A single row: it can be changed but not added twice or deleted."""

    list_display = ["name", "email", "phone"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not ContactDetails.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: ContactDetails | None = None) -> bool:
        return False
