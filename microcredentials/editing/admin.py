"""The editor-facing admin: topics, advice pages, the activity log and page feedback.

The contact-centre side (alerts, opening hours, contact details) is in contact_centre_admin.py.
"""

import datetime
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.db.models import QuerySet
from django.forms import Script
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path
from django.utils import timezone

from microcredentials.editing import history as admin_history
from microcredentials.editing import publishing
from microcredentials.editing.forms import AdvicePageForm, change_message
from microcredentials.editing.locking import EditConflict
from microcredentials.editing.revisions import revision_count, save_with_revision
from microcredentials.lib.nztime import format_when, short_date
from microcredentials.models import AdvicePage, PageChange
from microcredentials.pages import content_checks, footer
from microcredentials.pages.rendering import MarkdownRefused

# --- Topics and advice pages (staff editing) ---------------------------------------------------------


class TopicAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "order", "on_home_page"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}


class ReviewFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("overdue", "Overdue for review"), ("soon", "Due in the next 30 days"), ("none", "No review date")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[AdvicePage]) -> QuerySet[AdvicePage]:
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(review_by__lt=today)
        if self.value() == "soon":
            return queryset.filter(review_by__gte=today, review_by__lte=today + datetime.timedelta(days=30))
        if self.value() == "none":
            return queryset.filter(review_by__isnull=True)
        return queryset


class AdvicePageAdmin(admin.ModelAdmin):
    form = AdvicePageForm
    list_display = ["title", "topic", "status_label", "updated", "review", "owner", "last_edited_by", "revisions"]
    list_select_related = ["topic", "owner", "last_edited_by"]
    list_filter = ["status", ReviewFilter, "topic", "owner"]
    search_fields = ["title", "slug", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["updated", "last_edited_by"]
    autocomplete_fields = ["related_pages"]
    actions = ["publish_selected", "unpublish_selected"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "topic", "summary", "body", "page_version"]}),
        (
            "Publishing",
            {
                "fields": ["status", "publish_at", "updated"],
                "description": "The public “Updated” date changes only when you record a major change below.",
            },
        ),
        ("Record this change", {"fields": ["major_change", "change_note"]}),
        ("Ownership and review", {"fields": ["owner", "review_by", "last_edited_by"]}),
        ("Placement", {"fields": ["order", "related_pages"], "classes": ["collapse"]}),
    ]

    class Media:
        js = [Script("js/admin-editor.js", defer=True)]
        css = {"all": ["css/admin-editor.css"]}

    def get_fieldsets(self, request: HttpRequest, obj: AdvicePage | None = None) -> Any:
        # A new page has no history to record yet.
        return [fieldset for fieldset in self.fieldsets if obj or fieldset[0] != "Record this change"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AdvicePage]:
        return super().get_queryset(request).annotate(revision_total=revision_count())

    @admin.display(description="Status", ordering="status")
    def status_label(self, page: AdvicePage) -> str:
        if page.status == AdvicePage.Status.PUBLISHED and not page.is_live():
            return f"Scheduled for {format_when(page.publish_at)}" if page.publish_at else "Published"
        return str(page.get_status_display())

    @admin.display(description="Updated", ordering="updated_on")
    def updated(self, page: AdvicePage) -> str:
        return short_date(page.updated_on)

    @admin.display(description="Review by", ordering="review_by")
    def review(self, page: AdvicePage) -> str:
        return short_date(page.review_by) if page.review_by else "–"

    @admin.display(description="Revisions", ordering="revision_total")
    def revisions(self, page: AdvicePage) -> int:
        return int(getattr(page, "revision_total", 0))

    # Saving: version check, revision, major change, content checks.

    def save_model(self, request: HttpRequest, obj: AdvicePage, form: AdvicePageForm, change: bool) -> None:
        obj.last_edited_by = request.user  # type: ignore[assignment]
        major = change and form.cleaned_data.get("major_change")
        if major:
            obj.updated_on = timezone.localdate()
        expected = form.cleaned_data.get("page_version") if change else None
        save_with_revision(obj, expected, request.user, change_message(form, add=not change))
        if major:
            PageChange.objects.create(
                page=obj, changed_on=obj.updated_on, note=form.cleaned_data["change_note"].strip()
            )
        self._report_checks(request, obj)
        self._warn_of_broken_footer_link(request, obj)

    def delete_model(self, request: HttpRequest, obj: AdvicePage) -> None:
        super().delete_model(request, obj)
        self._warn_of_broken_footer_link(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[AdvicePage]) -> None:
        pages = list(queryset.select_related("topic"))
        super().delete_queryset(request, queryset)
        for page in pages:
            self._warn_of_broken_footer_link(request, page)

    def _warn_of_broken_footer_link(self, request: HttpRequest, page: AdvicePage) -> None:
        warning = footer.broken_footer_link(page)
        if warning:
            messages.warning(request, warning)

    def _report_checks(self, request: HttpRequest, page: AdvicePage) -> None:
        report = content_checks.check_page(page.title, page.summary, page.body, page.rendered)
        for warning in report.warnings:
            messages.warning(request, f"Check: {warning}")
        messages.info(request, " ".join(report.notes))

    def construct_change_message(self, request: HttpRequest, form: Any, formsets: Any, add: bool = False) -> Any:
        return change_message(form, add)

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict:
            # Another save won between this form's check and its save. Run the view again:
            # the form now sees the new version and reports the conflict with the editor's text kept.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def response_add(self, request: HttpRequest, obj: AdvicePage, post_url_continue: str | None = None) -> HttpResponse:
        if "_preview" in request.POST:
            return HttpResponseRedirect(obj.get_absolute_url())
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: AdvicePage) -> HttpResponse:
        if "_preview" in request.POST:
            return HttpResponseRedirect(obj.get_absolute_url())
        return super().response_change(request, obj)

    # Revisions: history, comparison, restore.

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/history/compare/", wrap(self.compare_view), name="microcredentials_advicepage_compare"
            ),
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                wrap(self.restore_view),
                name="microcredentials_advicepage_restore",
            ),
            *super().get_urls(),
        ]

    def compare_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return admin_history.compare_view(self, request, object_id)

    def restore_view(self, request: HttpRequest, object_id: str, version_id: int) -> HttpResponse:
        return admin_history.restore_view(self, request, object_id, version_id)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        page = self.get_object(request, object_id)
        context = admin_history.history_context(page) if page else {}
        return super().history_view(request, object_id, {**context, **(extra_context or {})})

    # List actions, logged like any other change.

    @admin.action(description="Publish the selected pages now", permissions=["change"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[AdvicePage]) -> None:
        self._apply_action(request, queryset, publishing.publish_now, "Published")

    @admin.action(description="Unpublish the selected pages (make them drafts)", permissions=["change"])
    def unpublish_selected(self, request: HttpRequest, queryset: QuerySet[AdvicePage]) -> None:
        self._apply_action(request, queryset, publishing.unpublish, "Unpublished")

    def _apply_action(self, request: HttpRequest, queryset: QuerySet[AdvicePage], action: Any, verb: str) -> None:
        done = 0
        for page in queryset:
            try:
                message = action(page, request.user)
            except EditConflict:
                messages.error(request, f"“{page}” was saved by someone else just now; it was left as it is.")
                continue
            except MarkdownRefused as refused:  # a body saved before today's limits: fix it in the editor
                messages.error(request, f"“{page}” was left as it is: {refused}")
                continue
            if message:
                self.log_change(request, page, message)
                done += 1
            self._warn_of_broken_footer_link(request, page)
        messages.success(request, f"{verb} {done} page{'s' if done != 1 else ''}.")


class ActivityLogAdmin(admin.ModelAdmin):
    """Every create, change, publish, unpublish, restore and delete made in the admin, by whom: read only.

    Object history shows one item's entries; this shows them all, including deleted pages and alerts.
    """

    list_display = ["action_time", "user", "content_type", "object_repr", "action_flag", "change_message_text"]
    list_filter = ["action_flag", "content_type", "user"]
    search_fields = ["object_repr", "change_message", "user__username"]
    date_hierarchy = "action_time"
    list_select_related = ["user", "content_type"]

    @admin.display(description="What was done")
    def change_message_text(self, entry: LogEntry) -> str:
        return entry.get_change_message()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: LogEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: LogEntry | None = None) -> bool:
        return False
