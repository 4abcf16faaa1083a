"""Contact-centre staff's admin: site alerts, opening hours, extra closed days and contact details.

Every time here is entered and shown in New Zealand time, and the forms say so. The alert form shows how the
alert reads now and at each moment its wording changes, before anything is saved (preview.py).
Registered with the admin site by microcredentials.admin.
"""

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from microcredentials.contact_centre.alerts import AlertStatus, alert_wording, reader_status
from microcredentials.contact_centre.forms import (
    LIVE_NOW,
    NZ_DESCRIPTION,
    NZ_ZONE,
    ClosedDayForm,
    SiteAlertForm,
)
from microcredentials.contact_centre.preview import as_readers_see_it, wording_timeline
from microcredentials.contact_centre.public_holidays import public_holidays
from microcredentials.lib.nztime import NZ_TIME, format_clock, format_date, format_moment, format_when
from microcredentials.models import ClosedDay, ContactDetails, OpeningHours, SiteAlert

# How far ahead the closed-days page lists the public holidays.
HOLIDAYS_LISTED_DAYS = 400


def preview_html(form: SiteAlertForm | None, alert: SiteAlert, now: datetime.datetime) -> SafeString:
    """The preview as the change form shows it and the form's script fetches it: the same HTML both ways."""
    context: dict[str, Any] = {"alert": alert}
    problems = [str(error) for errors in form.errors.values() for error in errors] if form is not None else []
    problems = [problem for problem in problems if not problem.startswith(LIVE_NOW)]
    complete = alert.kind != SiteAlert.Kind.CLOSURE or (alert.closes_at is not None and alert.reopens_at is not None)
    if form is not None and not form.is_bound and alert.pk is None:
        context["note"] = "Fill in the form to see how the alert will read."
    elif problems or not complete:
        context["note"] = "The preview shows once the form is complete and has no errors."
    else:
        try:
            context["points"] = wording_timeline(as_readers_see_it(alert), now)
        except OverflowError:  # a date near the end of the calendar: there is no day after it to work out
            context["note"] = "The preview cannot show an alert that far ahead. Check the dates."
        context["level"] = "warning" if alert.level == SiteAlert.Level.WARNING else "information"
        context["label"] = "Warning" if alert.level == SiteAlert.Level.WARNING else "Information"
    # The template escapes all it is given; the wording in it is already safe HTML.
    return mark_safe(render_to_string("admin/microcredentials/sitealert/preview.html", context))


def _nz_when(moment: datetime.datetime | None) -> str:
    if moment is None:
        return "–"
    return format_when(moment)


class SiteAlertAdmin(admin.ModelAdmin):
    form = SiteAlertForm
    change_form_template = "admin/microcredentials/sitealert/change_form.html"
    list_display = ["__str__", "level", "shows_from", "shows_until", "status"]
    list_filter = ["kind", "level"]
    readonly_fields = ["status", "wording_now", "how_it_reads"]
    fieldsets = [
        (None, {"fields": ["kind", "level"], "description": NZ_DESCRIPTION}),
        (
            "Contact centre closure",
            {
                "fields": ["who", "closes_at", "reopens_at", "contact_email", "extra_text"],
                "description": "For a closure only. The sentence readers see is written for you.",
                "classes": ["alert-kind", "alert-kind-closure"],
            },
        ),
        (
            "General notice",
            {
                "fields": ["message"],
                "description": "For a general notice only.",
                "classes": ["alert-kind", "alert-kind-general"],
            },
        ),
        ("When to show it", {"fields": ["show_from", "show_until", "confirm_live"], "description": NZ_DESCRIPTION}),
    ]

    def get_fieldsets(self, request: HttpRequest, obj: SiteAlert | None = None) -> Any:
        shown = ["status", "wording_now", "how_it_reads"] if obj is not None else ["how_it_reads"]
        return [*self.fieldsets, ("How it reads", {"fields": shown})]

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
        shown = as_readers_see_it(alert)
        if status is AlertStatus.SHOWN_NOW:
            return alert_wording(shown, now)
        if status is AlertStatus.SCHEDULED:  # worded for the moment it starts showing
            starts = alert.show_from
            return format_html(
                "Not shown yet. From {} it will read: {}", format_moment(starts, now), alert_wording(shown, starts)
            )
        if status is AlertStatus.EXPIRED:
            return "Not shown any more: the time to show it has passed."
        return format_html(
            "Not shown now: another alert takes priority. If it were shown, it would read: {}",
            alert_wording(shown, now),
        )

    @admin.display(description="Preview: what readers see, and when it changes")
    def how_it_reads(self, alert: SiteAlert) -> SafeString:
        return preview_html(getattr(alert, "_preview_form", None), alert, timezone.now())

    def get_form(self, request: HttpRequest, obj: SiteAlert | None = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change, **kwargs)

        class RemembersItself(form_class):  # type: ignore[valid-type,misc]
            """Lets the preview field see the form's errors (a read-only field is given only the instance)."""

            def __init__(self, *args: Any, **form_kwargs: Any) -> None:
                super().__init__(*args, **form_kwargs)
                setattr(self.instance, "_preview_form", self)  # noqa: B010

        return RemembersItself

    def get_urls(self) -> list[URLPattern]:
        preview = path(
            "preview/", self.admin_site.admin_view(self.preview_view), name="microcredentials_sitealert_preview"
        )
        return [preview, *super().get_urls()]

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """The preview for the form as typed, for the form's script: only for those who may add or change alerts.
        Checks the form and saves nothing."""
        return require_POST(self._preview)(request)

    def _preview(self, request: HttpRequest) -> HttpResponse:
        alert = self.get_object(request, request.GET.get("alert", "")) if request.GET.get("alert") else None
        allowed = self.has_change_permission(request, alert) if alert else self.has_add_permission(request)
        if not allowed:
            raise PermissionDenied
        with timezone.override(NZ_TIME):
            form = self.get_form(request, alert, change=alert is not None)(request.POST, instance=alert)
            form.is_valid()
            response = HttpResponse(preview_html(form, form.instance, timezone.now()))
        response["Cache-Control"] = "private, no-store"
        return response

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # Entered and shown in New Zealand time, whatever zone might be active for the request.
        extra = {**(extra_context or {}), "preview_url": reverse("admin:microcredentials_sitealert_preview")}
        with timezone.override(NZ_TIME):
            return super().changeform_view(request, object_id, form_url, extra)


class OpeningHoursForm(forms.ModelForm):
    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]
        labels = {"opens": "Opens (New Zealand time)", "closes": "Closes (New Zealand time)"}
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


class ClosedDayAdmin(admin.ModelAdmin):
    """Extra days the centre is closed all day. Its list also shows the coming public holidays, which the site
    knows by itself: they need no entry here."""

    form = ClosedDayForm
    list_display = ["day_named", "reason"]
    change_list_template = "admin/microcredentials/sitealert/closed_days_change_list.html"

    @admin.display(description="Day", ordering="day")
    def day_named(self, closed: ClosedDay) -> str:
        return format_date(closed.day)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        today = timezone.localdate(timezone=NZ_TIME)
        coming = public_holidays(today, today + datetime.timedelta(days=HOLIDAYS_LISTED_DAYS))
        context = {
            **(extra_context or {}),
            "coming_holidays": [(format_date(day), name) for day, name in coming.items()],
            "region": settings.CONTACT_CENTRE_REGION,
        }
        return super().changelist_view(request, extra_context=context)
