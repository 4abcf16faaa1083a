"""The editor-facing admin: topics, advice pages, the activity log and page feedback.

The contact-centre side (alerts, opening hours, contact details) is in contact_centre_admin.py.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import Script
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from microcredentials.editing import history as admin_history
from microcredentials.editing import notifications, previews, publishing, review, unpublishing
from microcredentials.editing.forms import AdvicePageForm, change_message, saves_a_draft
from microcredentials.editing.locking import EditConflict
from microcredentials.editing.revisions import TEXT_FIELDS, revision_count, save_with_revision, user_name
from microcredentials.lib.admin_bases import BoundedDateHierarchyAdmin, CheckedAutocompleteAdmin
from microcredentials.lib.nztime import format_when, short_date
from microcredentials.models import AdvicePage, PageChange, PageDraft, PreviewLink
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


class AdvicePageAdmin(CheckedAutocompleteAdmin):
    form = AdvicePageForm
    list_display = [
        "title",
        "topic",
        "status_label",
        "went_live",
        "draft_pending",
        "scheduled_for",
        "updated",
        "review",
        "owner",
        "revisions",
    ]
    list_select_related = ["topic", "owner", "last_edited_by", "draft", "draft__saved_by"]
    list_filter = ["status", ReviewFilter, "topic", "owner"]
    search_fields = ["title", "slug", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["updated", "last_edited_by", "live_state"]
    autocomplete_fields = ["related_pages"]
    actions = ["publish_selected", "unpublish_selected"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "topic", "summary", "body", "page_version", "seen_version"]}),
        (
            "Publishing",
            {
                "fields": ["status", "publish_at", "schedule_at", "updated"],
                "description": "The public “Updated” date changes only when you record a major change below.",
            },
        ),
        ("Record this change", {"fields": ["major_change", "change_note"]}),
        ("Ownership and review", {"fields": ["owner", "review_by", "last_edited_by"]}),
        ("Placement", {"fields": ["order", "related_pages"], "classes": ["collapse"]}),
        (
            "Te reo Māori",
            {
                "fields": ["te_reo_version"],
                "description": "Name the te reo Māori version of this page, if there is one. Both pages then link "
                "to each other, once each is published, and the te reo page is marked as being in te reo Māori.",
            },
        ),
    ]

    class Media:
        js = [Script("js/admin-editor.js", defer=True)]
        css = {"all": ["css/admin-editor.css"]}

    def get_form(self, request: HttpRequest, obj: AdvicePage | None = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"editor": request.user})  # the form checks who may publish

    def get_fieldsets(self, request: HttpRequest, obj: AdvicePage | None = None) -> Any:
        # A new page has no history to record yet.
        fieldsets = [fieldset for fieldset in self.fieldsets if obj or fieldset[0] != "Record this change"]
        if obj is None or not obj.is_live():
            return fieldsets
        # A live page is taken down only by the explicit "Unpublish" action; its edits go to a draft or live.
        live_publishing = (
            "Publishing",
            {
                "fields": ["live_state", "schedule_at", "updated"],
                "description": "Readers see the live version until you press Publish, or until the time you "
                "schedule. “Save draft” keeps your changes without publishing them. The public “Updated” date "
                "changes only when you record a major change below.",
            },
        )
        return [live_publishing if name == "Publishing" else (name, options) for name, options in fieldsets]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        publishing.publish_due_drafts()  # staff see the list as readers see the site
        return super().changelist_view(request, extra_context)

    @admin.display(description="Live version")
    def live_state(self, page: AdvicePage) -> str:
        draft = PageDraft.objects.filter(page=page).first()
        since = f"Live since {self.went_live(page)}"
        return since + (f". {self.draft_pending(page)}." if draft else ". No draft pending.")

    @admin.display(description="Live since", ordering="live_since")
    def went_live(self, page: AdvicePage) -> str:
        return format_when(page.live_since) if page.live_since and page.is_live() else "–"

    @admin.display(description="Draft pending")
    def draft_pending(self, page: AdvicePage) -> str:
        draft = getattr(page, "draft", None)  # no draft: Django raises an AttributeError, so getattr gives None
        return f"Draft by {user_name(draft.saved_by)}, {format_when(draft.modified_at)}" if draft else "–"

    @admin.display(description="Scheduled for")
    def scheduled_for(self, page: AdvicePage) -> str:
        draft = getattr(page, "draft", None)
        if draft is not None and draft.publish_at:
            return f"{format_when(draft.publish_at)} (the draft)"
        if page.status == AdvicePage.Status.PUBLISHED and not page.is_live() and page.publish_at:
            return format_when(page.publish_at)
        return "–"

    def get_queryset(self, request: HttpRequest) -> QuerySet[AdvicePage]:
        return super().get_queryset(request).annotate(revision_total=revision_count())

    @admin.display(description="Status", ordering="status")
    def status_label(self, page: AdvicePage) -> str:
        if page.status == AdvicePage.Status.PUBLISHED and not page.is_live():
            return "Scheduled"
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
        self._save_page(request, obj, form, change)
        outcome = review.outcome_for_author(
            form.action,
            form.draft,
            request.user,
            form.cleaned_data.get("review_comment", "").strip(),
            form.cleaned_data.get("schedule_at"),
        )
        if outcome and form.draft is not None:
            notifications.tell_author(request, obj, form.draft.submitted_by, outcome)

    def _save_page(self, request: HttpRequest, obj: AdvicePage, form: AdvicePageForm, change: bool) -> None:
        obj.last_edited_by = request.user  # type: ignore[assignment]
        expected = form.cleaned_data.get("page_version") if change else None
        text = {name: form.cleaned_data[name] for name in TEXT_FIELDS}
        major_note = form.cleaned_data["change_note"].strip() if form.cleaned_data.get("major_change") else ""
        if form.action == "_send_back" and form.draft is not None:  # the form checked there is one to send back
            review.send_back(form.draft, request.user, form.cleaned_data["review_comment"].strip())
            return
        if form.action == "_submit_review":
            if obj.pk is None:  # a new page starts as a draft of itself, then its text goes for review
                obj.status = AdvicePage.Status.DRAFT
                save_with_revision(obj, None, request.user, "Created the page.")
                expected = obj.version
            review.submit_for_review(obj, text, major_note, request.user, expected)
            return
        if saves_a_draft(form):  # readers keep the live version
            publish_at = form.cleaned_data.get("schedule_at") if form.action == "_schedule" else None
            publishing.save_draft(obj, text, major_note, request.user, expected, publish_at)
            self._report_checks(request, obj)
            return
        self._apply_publishing_choice(obj, form)
        major = change and form.cleaned_data.get("major_change")
        if major:
            obj.updated_on = timezone.localdate()
        save_with_revision(obj, expected, request.user, change_message(form, add=not change))
        PageDraft.objects.filter(page=obj).delete()  # what was drafted is now the page
        if major:
            PageChange.objects.create(
                page=obj, changed_on=obj.updated_on, note=form.cleaned_data["change_note"].strip()
            )
        self._report_checks(request, obj)
        self._warn_of_broken_footer_link(request, obj)

    def _apply_publishing_choice(self, obj: AdvicePage, form: AdvicePageForm) -> None:
        """The buttons of a page that is not live yet: Publish now, Schedule, or keep it a draft."""
        if form.was_live:
            return
        if form.action == "_publish":
            obj.status, obj.publish_at = AdvicePage.Status.PUBLISHED, None
        elif form.action == "_schedule":
            obj.status, obj.publish_at = AdvicePage.Status.PUBLISHED, form.cleaned_data["schedule_at"]
        elif form.action == "_save_draft":
            obj.status = AdvicePage.Status.DRAFT

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
        report = content_checks.check_page(page.title, page.summary, page.body, page.rendered, extensions=True)
        for warning in report.warnings:
            messages.warning(request, f"Check: {warning}")
        messages.info(request, " ".join(report.notes))

    def construct_change_message(self, request: HttpRequest, form: Any, formsets: Any, add: bool = False) -> Any:
        return change_message(form, add)

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "require_review": settings.REQUIRE_REVIEW,
            "can_review": review.can_review(request.user),
            "preview_links": self._usable_preview_links(object_id),
        }
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict:
            # Another save won between this form's check and its save. Run the view again:
            # the form now sees the new version and reports the conflict with the editor's text kept.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def response_add(self, request: HttpRequest, obj: AdvicePage, post_url_continue: str | None = None) -> HttpResponse:
        if "_preview" in request.POST:
            return HttpResponseRedirect(reverse("admin:microcredentials_advicepage_preview", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: AdvicePage) -> HttpResponse:
        if "_preview" in request.POST:
            return HttpResponseRedirect(reverse("admin:microcredentials_advicepage_preview", args=[obj.pk]))
        return super().response_change(request, obj)

    # Previews: the whole page in a new tab for staff, and expiring links for people without an account.

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        page = self._page_to_change(request, object_id)
        back = reverse("admin:microcredentials_advicepage_change", args=[page.pk])
        return previews.preview_response(request, page, back_to_editor=back)

    @method_decorator(require_POST)
    def share_preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        page = self._page_to_change(request, object_id)
        link = previews.share(page, request.user)
        until = format_when(link.expires_at)
        self.log_change(request, page, f"Shared a preview link, valid until {until}.")
        messages.success(
            request, f"Preview link, valid until {until}: {request.build_absolute_uri(link.get_absolute_url())}"
        )
        return HttpResponseRedirect(reverse("admin:microcredentials_advicepage_change", args=[page.pk]))

    @method_decorator(require_POST)
    def revoke_preview_view(self, request: HttpRequest, object_id: str, link_id: int) -> HttpResponse:
        page = self._page_to_change(request, object_id)
        link = get_object_or_404(PreviewLink, pk=link_id, page=page)
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        self.log_change(request, page, f"Withdrew the preview link shared at {format_when(link.created_at)}.")
        messages.success(request, "The preview link no longer works.")
        return HttpResponseRedirect(reverse("admin:microcredentials_advicepage_change", args=[page.pk]))

    def _usable_preview_links(self, object_id: str | None) -> list[PreviewLink]:
        if not object_id or not str(object_id).isdigit():
            return []
        return [link for link in PreviewLink.objects.filter(page_id=int(object_id)) if link.is_usable()]

    def _page_to_change(self, request: HttpRequest, object_id: str) -> AdvicePage:
        page = self.get_object(request, object_id)
        if page is None:
            raise Http404("No such page.")
        if not self.has_change_permission(request, page):
            raise PermissionDenied
        return page

    # Revisions: history, comparison, restore.

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/preview/", wrap(self.preview_view), name="microcredentials_advicepage_preview"),
            path(
                "<path:object_id>/preview-links/",
                wrap(self.share_preview_view),
                name="microcredentials_advicepage_share_preview",
            ),
            path(
                "<path:object_id>/preview-links/<int:link_id>/revoke/",
                wrap(self.revoke_preview_view),
                name="microcredentials_advicepage_revoke_preview",
            ),
            path(
                "<path:object_id>/unpublish/", wrap(self.unpublish_view), name="microcredentials_advicepage_unpublish"
            ),
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
        self.apply_to_pages(request, queryset, publishing.publish_now, "Published")

    @admin.action(description="Unpublish the selected pages…", permissions=["change"])
    def unpublish_selected(self, request: HttpRequest, queryset: QuerySet[AdvicePage]) -> HttpResponse | None:
        pages = list(queryset.select_related("topic"))
        hidden = [("action", "unpublish_selected"), *(("_selected_action", str(page.pk)) for page in pages)]
        return unpublishing.confirm(self, request, pages, request.get_full_path(), hidden)

    def unpublish_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        page = self.get_object(request, unquote(object_id))
        if page is None:
            raise Http404("No such page.")
        if not self.has_change_permission(request, page):
            raise PermissionDenied
        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        change_url = reverse("admin:microcredentials_advicepage_change", args=[page.pk])
        return unpublishing.confirm(self, request, [page], change_url) or HttpResponseRedirect(change_url)

    def apply_to_pages(self, request: HttpRequest, pages: Iterable[AdvicePage], action: Any, verb: str) -> None:
        done = 0
        for page in pages:
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


class ActivityLogAdmin(BoundedDateHierarchyAdmin):
    """Every create, change, publish, unpublish, restore and delete made in the admin, by whom: read only.

    Object history shows one item's entries; this shows them all, including deleted pages and alerts.
    """

    list_display = ["when", "user", "content_type", "object_repr", "action_flag", "change_message_text"]
    list_filter = ["action_flag", "content_type", "user"]
    search_fields = ["object_repr", "change_message", "user__username"]
    date_hierarchy = "action_time"
    list_select_related = ["user", "content_type"]

    @admin.display(description="When", ordering="action_time")
    def when(self, entry: LogEntry) -> str:
        return format_when(entry.action_time)

    @admin.display(description="What was done")
    def change_message_text(self, entry: LogEntry) -> str:
        return entry.get_change_message()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: LogEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: LogEntry | None = None) -> bool:
        return False
