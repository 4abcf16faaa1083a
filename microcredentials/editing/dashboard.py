"""The staff admin site: branded for staff, with an editor's dashboard on its index page."""

import datetime
from typing import Any

from django.contrib import admin
from django.db.models import Q
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone

from microcredentials.editing import review
from microcredentials.models import AdvicePage, PageDraft

REVIEW_SOON_DAYS = 14


class StaffAdminSite(admin.AdminSite):
    site_header = "Careers advice: staff"
    site_title = "Careers advice: staff"
    index_title = "What would you like to do?"

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        context = {**(extra_context or {}), "dashboard": editor_dashboard(request.user)}
        return super().index(request, context)


def editor_dashboard(user: Any) -> dict[str, Any] | None:
    """What an editor looks for first: their drafts, drafts awaiting their review or sent back to them,
    what is scheduled, and pages due for review. None for staff who do not edit pages."""
    if not user.has_perm("microcredentials.change_advicepage"):
        return None
    drafts = PageDraft.objects.select_related("page__topic", "saved_by", "submitted_by", "returned_by")
    today = timezone.localdate()
    return {
        "my_drafts": list(drafts.filter(saved_by=user)),
        "awaiting_my_review": list(drafts.filter(submitted_at__isnull=False).exclude(submitted_by=user))
        if review.can_review(user)
        else [],
        "sent_back_to_me": list(drafts.filter(submitted_at__isnull=True, submitted_by=user).exclude(review_comment="")),
        "scheduled_drafts": list(drafts.filter(publish_at__isnull=False).order_by("publish_at")),
        "scheduled_pages": list(
            AdvicePage.objects.filter(status=AdvicePage.Status.PUBLISHED, publish_at__gt=timezone.now())
            .select_related("topic")
            .order_by("publish_at")
        ),
        "due_for_review": list(
            AdvicePage.objects.filter(
                Q(review_by__lte=today + datetime.timedelta(days=REVIEW_SOON_DAYS)), review_by__isnull=False
            )
            .select_related("topic", "owner")
            .order_by("review_by")
        ),
    }
