"""The admin's view of page feedback: read only, with counts per page and a CSV export."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.text import Truncator

from microcredentials.feedback.answers import counts_per_page, write_csv
from microcredentials.lib.admin_bases import BoundedDateHierarchyAdmin
from microcredentials.lib.nztime import format_when
from microcredentials.models import PageFeedback


class PageFeedbackAdmin(BoundedDateHierarchyAdmin):
    list_display = ["received", "page", "useful_answer", "comment_start"]
    list_filter = ["useful", "page__topic", "page"]
    list_select_related = ["page"]
    search_fields = ["comment", "page__title"]
    date_hierarchy = "created_at"
    readonly_fields = ["page", "useful", "comment", "created_at"]
    actions = ["export_csv"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # feedback comes from readers only

    def has_change_permission(self, request: HttpRequest, obj: PageFeedback | None = None) -> bool:
        return False  # readers' words are kept as they sent them

    @admin.display(description="Received", ordering="created_at")
    def received(self, obj: PageFeedback) -> str:
        return format_when(obj.created_at)

    @admin.display(description="Useful?", boolean=True, ordering="useful")
    def useful_answer(self, obj: PageFeedback) -> bool:
        return obj.useful

    @admin.display(description="Comment")
    def comment_start(self, obj: PageFeedback) -> str:
        return Truncator(obj.comment).chars(120)

    @admin.action(description="Export selected feedback as CSV", permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[PageFeedback]) -> HttpResponse:
        filename = f"page-feedback-{timezone.localdate():%Y-%m-%d}.csv"
        response = HttpResponse(
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"},
        )
        response.write("\ufeff")  # lets spreadsheet programs read the macrons as UTF-8
        write_csv(queryset, response)  # type: ignore[arg-type]
        return response

    def get_urls(self) -> list[URLPattern]:
        summary = path("summary/", self.admin_site.admin_view(self.summary_view), name="pagefeedback_summary")
        return [summary, *super().get_urls()]

    def summary_view(self, request: HttpRequest) -> HttpResponse:
        """Yes and no counts for every page with feedback."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Feedback counts per page",
            "pages": counts_per_page(),
        }
        return TemplateResponse(request, "admin/microcredentials/pagefeedback/summary.html", context)
