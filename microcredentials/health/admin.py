"""Content health in the admin: the link report, the ignore list, reviews and the schedule, plus the two
buttons on a page's form ("Use the new address", "Mark reviewed"), which post here."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from microcredentials.editing.locking import EditConflict
from microcredentials.health import fixes, links, reminders
from microcredentials.lib.nztime import format_when
from microcredentials.models import AdvicePage, IgnoredLink, LinkCheck, PageReview, ScheduledJob

CHANGE_PAGES = "microcredentials.change_advicepage"


def page_form_url(page_id: int) -> str:
    return reverse("admin:microcredentials_advicepage_change", args=[page_id]) + "#content-health"


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LinkCheckAdmin(ReadOnlyAdmin):
    """The site-wide link report."""

    list_display = ["url", "page_link", "status", "result", "checked"]
    list_filter = ["status", "page"]
    search_fields = ["url", "final_url", "page__title"]
    list_select_related = ["page"]

    @admin.display(description="Page", ordering="page__title")
    def page_link(self, check: LinkCheck) -> str:
        return format_html('<a href="{}">{}</a>', page_form_url(check.page_id), check.page.title)

    @admin.display(description="Result")
    def result(self, check: LinkCheck) -> str:
        return check.describe()

    @admin.display(description="Checked", ordering="checked_at")
    def checked(self, check: LinkCheck) -> str:
        return format_when(check.checked_at)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.use_new_address_view)
        route = "<int:check_id>/use-new-address/"
        return [path(route, view, name="microcredentials_linkcheck_use_new_address"), *super().get_urls()]

    @method_decorator(require_POST)
    def use_new_address_view(self, request: HttpRequest, check_id: int) -> HttpResponse:
        if not request.user.has_perm(CHANGE_PAGES):
            raise PermissionDenied
        check = get_object_or_404(LinkCheck.objects.select_related("page"), pk=check_id)
        try:
            message = fixes.use_new_address(check, request.user)
        except fixes.NothingToReplace as nothing:
            messages.error(request, str(nothing))
        except EditConflict:
            messages.error(request, "Someone saved the page just now. Check the link again, then try again.")
        else:
            self.log_change(request, check.page, message)
            messages.success(request, message)
        return HttpResponseRedirect(page_form_url(check.page_id))


class IgnoredLinkAdmin(admin.ModelAdmin):
    list_display = ["address", "is_prefix", "note", "created_at"]
    search_fields = ["address", "note"]

    def save_model(self, request: HttpRequest, obj: IgnoredLink, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        forgotten = links.forget_ignored(obj)  # the report stops showing it now, not after the next check
        if forgotten:
            messages.info(request, f"Removed {forgotten} result{'s' if forgotten != 1 else ''} for it from the report.")


class PageReviewAdmin(ReadOnlyAdmin):
    list_display = ["page", "reviewed_by", "reviewed", "next_review_by"]
    list_select_related = ["page", "reviewed_by"]
    list_filter = ["page"]

    @admin.display(description="Reviewed", ordering="reviewed_at")
    def reviewed(self, review: PageReview) -> str:
        return format_when(review.reviewed_at)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.mark_reviewed_view)
        route = "mark/<int:page_id>/"
        return [path(route, view, name="microcredentials_pagereview_mark"), *super().get_urls()]

    @method_decorator(require_POST)
    def mark_reviewed_view(self, request: HttpRequest, page_id: int) -> HttpResponse:
        if not request.user.has_perm(CHANGE_PAGES):
            raise PermissionDenied
        page = get_object_or_404(AdvicePage, pk=page_id)
        try:
            message = reminders.mark_reviewed(page, request.user)
        except EditConflict:
            messages.error(request, "Someone saved the page just now. Try again.")
        else:
            self.log_change(request, page, message)
            messages.success(request, message)
        return HttpResponseRedirect(page_form_url(page.pk))


class ScheduledJobAdmin(ReadOnlyAdmin):
    """When each scheduled job last ran, how it went, and when it runs next."""

    list_display = ["name", "last_run", "last_status", "last_outcome", "next_run"]

    @admin.display(description="Last run", ordering="last_run_at")
    def last_run(self, job: ScheduledJob) -> str:
        return format_when(job.last_run_at) if job.last_run_at else "Not yet"

    @admin.display(description="Next run", ordering="next_run_at")
    def next_run(self, job: ScheduledJob) -> str:
        return format_when(job.next_run_at) if job.next_run_at else "Not scheduled: start the worker"
