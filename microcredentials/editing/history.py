"""Admin views for a page's revisions: the list (inside the History page), a comparison, and restoring one."""

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import capfirst
from reversion.models import Version

from microcredentials.editing import publishing, revisions
from microcredentials.editing.locking import EditConflict
from microcredentials.lib.nztime import format_when
from microcredentials.models import AdvicePage
from microcredentials.pages.rendering import MarkdownRefused

if TYPE_CHECKING:
    from microcredentials.editing.admin import AdvicePageAdmin

CURRENT = "current"


def _page_or_404(model_admin: "AdvicePageAdmin", request: HttpRequest, object_id: str) -> AdvicePage:
    page = model_admin.get_object(request, unquote(object_id))
    if page is None:
        raise Http404("No such page.")
    if not model_admin.has_view_or_change_permission(request, page):
        raise PermissionDenied
    return page


def _version_or_404(page: AdvicePage, version_id: str | int | None) -> Version:
    if not str(version_id or "").isdigit():
        raise Http404("Choose a revision.")
    version = Version.objects.get_for_object(page).select_related("revision__user").filter(pk=version_id).first()
    if version is None:
        raise Http404("That revision does not belong to this page.")
    return version


def _context(model_admin: "AdvicePageAdmin", request: HttpRequest, page: AdvicePage, title: str) -> dict[str, Any]:
    opts = AdvicePage._meta
    return {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "original": page,
        "title": title,
        "history_url": reverse("admin:microcredentials_advicepage_history", args=[page.pk]),
        "change_url": reverse("admin:microcredentials_advicepage_change", args=[page.pk]),
    }


def history_context(page: AdvicePage) -> dict[str, Any]:
    """Extra context for the History page: the revisions, newest first, and the compare form's defaults."""
    versions = revisions.page_versions(page)
    return {
        "revisions": [{"version": version, "when": format_when(version.revision.date_created)} for version in versions],
        "compare_from": versions[1].pk if len(versions) > 1 else None,
        "current_choice": CURRENT,
    }


def compare_view(model_admin: "AdvicePageAdmin", request: HttpRequest, object_id: str) -> HttpResponse:
    page = _page_or_404(model_admin, request, object_id)
    older = _version_or_404(page, request.GET.get("from"))
    newer_choice = request.GET.get("to", CURRENT)
    if newer_choice == CURRENT:
        newer_values, newer_label = revisions.page_values(page), "The page now"
    else:
        newer = _version_or_404(page, newer_choice)
        newer_values, newer_label = revisions.version_values(newer), capfirst(revisions.version_label(newer))
    older_label = capfirst(revisions.version_label(older))
    context = {
        **_context(model_admin, request, page, f"Compare revisions of “{page}”"),
        "older_label": older_label,
        "newer_label": newer_label,
        "diffs": revisions.compare(revisions.version_values(older), newer_values, older_label, newer_label),
    }
    return render(request, "admin/microcredentials/advicepage/compare.html", context)


def restore_view(model_admin: "AdvicePageAdmin", request: HttpRequest, object_id: str, version_id: int) -> HttpResponse:
    page = _page_or_404(model_admin, request, object_id)
    if not model_admin.has_change_permission(request, page):
        raise PermissionDenied
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    version = _version_or_404(page, version_id)
    context = _context(model_admin, request, page, f"Restore a revision of “{page}”")
    if request.method == "POST":
        try:
            message = publishing.restore_revision(page, version, request.user)
        except EditConflict:
            messages.error(request, "Someone saved the page while you were restoring it. Check the history again.")
            return HttpResponseRedirect(context["history_url"])
        except MarkdownRefused as refused:  # a revision saved before today's limits
            messages.error(request, f"That revision cannot be restored as it is: {refused}")
            return HttpResponseRedirect(context["history_url"])
        model_admin.log_change(request, page, message)
        messages.success(request, message)
        return HttpResponseRedirect(context["change_url"])
    label = revisions.version_label(version)
    stored = revisions.version_values(version)
    restored_values = revisions.page_values(page) | {name: stored[name] for name in revisions.TEXT_FIELDS}
    context |= {
        "version": version,
        "version_label": label,
        "diffs": revisions.compare(revisions.page_values(page), restored_values, "The page now", capfirst(label)),
    }
    return render(request, "admin/microcredentials/advicepage/restore.html", context)
