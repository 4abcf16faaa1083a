"""The staff admin site: branded for staff, with an editor's dashboard on its index page, and signed in to with
a password and a second factor (microcredentials/staff/two_factor.py)."""

import datetime
import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.core.exceptions import BadRequest
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.utils.http import urlencode

from microcredentials.editing import review
from microcredentials.models import AdvicePage, PageDraft
from microcredentials.staff import two_factor_views

REVIEW_SOON_DAYS = 14

ViewType = TypeVar("ViewType", bound=Callable[..., HttpResponseBase])


class StaffAdminSite(admin.AdminSite):
    site_header = "Careers advice: staff"
    site_title = "Careers advice: staff"
    index_title = "What would you like to do?"

    def has_permission(self, request: HttpRequest) -> bool:
        is_verified = getattr(request.user, "is_verified", lambda: False)
        return super().has_permission(request) and bool(is_verified())

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Someone who has given their password goes on to the second step, not back to the password form."""
        user = request.user
        if request.method == "GET" and user.is_authenticated and user.is_staff and not self.has_permission(request):
            query = urlencode({"next": request.GET.get("next", "")})
            return HttpResponseRedirect(f"{reverse('admin:two_step')}?{query}")
        return super().login(request, extra_context)

    def admin_view(self, view: ViewType, cacheable: bool = False) -> ViewType:
        """Every admin page refuses a NUL in its query string with a 400: list filters and searches pass values
        to the database as they are, and PostgreSQL refuses a NUL in text with an error (a 500)."""
        checked = super().admin_view(view, cacheable)

        @functools.wraps(checked)
        def refuse_nul(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if "\x00" in request.META.get("QUERY_STRING", "") or any(
                "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
            ):
                raise BadRequest("The address holds a character that cannot be searched for.")
            return checked(request, *args, **kwargs)

        return cast(ViewType, refuse_nul)

    def get_urls(self) -> list[URLResolver | URLPattern]:
        steps = [
            ("two-step/", two_factor_views.second_step, "two_step"),
            ("two-step/add/", two_factor_views.add_device, "two_step_add"),
            ("two-step/app/", two_factor_views.add_app, "two_step_app"),
            ("two-step/recovery-codes/", two_factor_views.recovery_codes, "two_step_recovery_codes"),
        ]
        return [
            *(path(route, functools.partial(view, site=self), name=name) for route, view, name in steps),
            *super().get_urls(),
        ]

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
