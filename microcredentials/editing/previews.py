"""Previews of a page's next version: for staff in the admin, and by a shared link for someone without an
account. Both show the draft (or a page not live yet) with a "Preview: not published" banner; neither may be
kept by a browser or a cache, nor indexed."""

import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from microcredentials.models import AdvicePage, PageDraft, PreviewLink
from microcredentials.pages.rendering import render_markdown_html
from microcredentials.pages.views import render_advice_page

GONE_MESSAGE = (
    "This preview link has expired or was withdrawn. Ask the person who shared it for a new link. "
    "Published pages are on the site as usual."
)


def as_drafted(page: AdvicePage) -> AdvicePage:
    """The page as its draft would publish it (the page itself if it has no draft)."""
    draft = PageDraft.objects.filter(page=page).first()
    if draft is not None:
        page.title, page.summary, page.body = draft.title, draft.summary, draft.body
        page.body_html = render_markdown_html(draft.body)
    return page


def preview_response(request: HttpRequest, page: AdvicePage, back_to_editor: str = "") -> HttpResponse:
    response = render_advice_page(request, as_drafted(page), is_preview=True, back_to_editor=back_to_editor)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def share(page: AdvicePage, user: Any) -> PreviewLink:
    expires_at = timezone.now() + datetime.timedelta(days=settings.PREVIEW_LINK_DAYS)
    return PreviewLink.objects.create(page=page, created_by=user, expires_at=expires_at)


@require_safe
def shared_preview(request: HttpRequest, token: str) -> HttpResponse:
    """/preview/<token>/: 404 for a token we never signed, 410 for a link expired or revoked."""
    try:
        link_id = signing.loads(token, salt=PreviewLink.SALT)
    except signing.BadSignature:
        return _plain(404, "There is no preview at this address.")
    link = PreviewLink.objects.select_related("page__topic").filter(pk=link_id).first()
    if link is None or not link.is_usable():
        return _plain(410, GONE_MESSAGE)
    return preview_response(request, link.page)


def _plain(status: int, message: str) -> HttpResponse:
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
