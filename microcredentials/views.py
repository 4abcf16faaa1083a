"""Thin views: fetch, check visibility, render."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from microcredentials.caching import cache_public_page
from microcredentials.feedback import feedback_state
from microcredentials.metadata import page_structured_data
from microcredentials.models import AdvicePage, Topic
from microcredentials.navigation import page_navigation
from microcredentials.rendering import contents_list
from microcredentials.security import read_only


def _crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    return [{"title": "Home", "url": "/"}] + [{"title": title, "url": url} for title, url in items]


def _can_preview(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.is_staff


@read_only
@cache_public_page
def home(request: HttpRequest) -> HttpResponse:
    pages = (
        AdvicePage.objects.live()
        .filter(topic__on_home_page=True)
        .select_related("topic")
        .only("title", "slug", "summary", "topic")
    )
    topics: dict[Topic, list[AdvicePage]] = {}
    for page in pages:
        topics.setdefault(page.topic, []).append(page)
    return render(request, "microcredentials/home.html", {"topics": topics})


@read_only
@cache_public_page
def topic(request: HttpRequest, topic_slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=topic_slug)
    pages = topic.pages.live().only("title", "slug", "summary", "topic")
    context = {
        "topic": topic,
        "pages": pages,
        "breadcrumbs": _crumbs((topic.title, topic.get_absolute_url())),
    }
    return render(request, "microcredentials/topic.html", context)


@read_only
@cache_public_page
def advice_page(request: HttpRequest, topic_slug: str, page_slug: str) -> HttpResponse:
    page = get_object_or_404(
        AdvicePage.objects.select_related("topic").defer("body", "search_vector"),
        topic__slug=topic_slug,
        slug=page_slug,
    )
    is_preview = not page.is_live()
    if is_preview and not _can_preview(request):
        raise Http404("No such page.")
    breadcrumbs = _crumbs((page.topic.title, page.topic.get_absolute_url()), (page.title, page.get_absolute_url()))
    context = {
        "page": page,
        "contents": contents_list(page.body_html),
        "is_preview": is_preview,
        "breadcrumbs": breadcrumbs,
        # Reader experience (issue 5): ways on, metadata for search engines, and "Was this page useful?".
        "navigation": page_navigation(page),
        "structured_data": page_structured_data(page, breadcrumbs),
        "feedback": feedback_state(request, page),
    }
    return render(request, "microcredentials/advice_page.html", context)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page in the site's layout; falls back to plain text if even that fails."""
    try:
        return render(request, "500.html", status=500)
    except Exception:  # noqa: BLE001 - the error page must never raise
        return HttpResponse(
            "Sorry, something went wrong. Please try again later.", status=500, content_type="text/plain"
        )
