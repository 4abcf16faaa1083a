"""Thin views for readers: home, topics, advice pages, robots.txt and the favicon."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse

from careers_site.http.security import read_only
from careers_site.pagecache.decorators import cache_public_page
from microcredentials.feedback.answers import feedback_state
from microcredentials.lib.breadcrumbs import breadcrumbs
from microcredentials.models import AdvicePage, Topic
from microcredentials.pages.languages import ENGLISH, page_languages
from microcredentials.pages.metadata import page_structured_data
from microcredentials.pages.navigation import page_navigation
from microcredentials.pages.redirects import live_page_moved_from
from microcredentials.pages.rendering import contents_list

# The page's other-language version comes in the same query, for its address and whether it is live.
LANGUAGE_VERSIONS = ("te_reo_version", "english_version")
DEFERRED = ("body", "search_vector")
TEXT_ONLY = ("body_html", "public_history", "summary")


def _can_preview(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.is_staff


RECENTLY_UPDATED = 5  # pages listed under "Recently updated" on the home page


@read_only
@cache_public_page
def home(request: HttpRequest) -> HttpResponse:
    """Key tasks and tools, the topics with their pages, and the pages most recently updated: one query."""
    pages = list(
        AdvicePage.objects.live()
        .filter(topic__on_home_page=True)
        .with_language()
        .select_related("topic")
        .only("title", "slug", "summary", "updated_on", "topic")
    )
    topics: dict[Topic, list[AdvicePage]] = {}
    for page in pages:
        topics.setdefault(page.topic, []).append(page)
    # By the public "Updated" date (set only by a major change), newest first; the same date by title.
    recent = sorted(pages, key=lambda page: (-page.updated_on.toordinal(), page.title))[:RECENTLY_UPDATED]
    return render(request, "microcredentials/home.html", {"topics": topics, "recently_updated": recent})


@read_only
@cache_public_page
def topic(request: HttpRequest, topic_slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=topic_slug)
    pages = topic.pages.live().with_language().only("title", "slug", "summary", "topic")
    context = {
        "topic": topic,
        "pages": pages,
        "breadcrumbs": breadcrumbs((topic.title, topic.get_absolute_url())),
    }
    return render(request, "microcredentials/topic.html", context)


@read_only
@cache_public_page
def advice_page(request: HttpRequest, topic_slug: str, page_slug: str) -> HttpResponse:
    page = (
        AdvicePage.objects.select_related("topic", *(f"{version}__topic" for version in LANGUAGE_VERSIONS))
        .defer(*DEFERRED, *(f"{version}__{name}" for version in LANGUAGE_VERSIONS for name in DEFERRED + TEXT_ONLY))
        .filter(topic__slug=topic_slug, slug=page_slug)
        .first()
    )
    is_preview = page is not None and not page.is_live()
    if page is None or (is_preview and not _can_preview(request)):
        moved = live_page_moved_from(request.path)
        if moved is not None:
            return HttpResponsePermanentRedirect(moved.get_absolute_url())
        raise Http404("No such page.")
    return render_advice_page(request, page, is_preview=is_preview)


def render_advice_page(
    request: HttpRequest, page: AdvicePage, *, is_preview: bool, back_to_editor: str = ""
) -> HttpResponse:
    """The advice page as readers see it; a preview (a draft, or a page not live yet) says so in a banner."""
    crumbs = breadcrumbs((page.topic.title, page.topic.get_absolute_url()), (page.title, page.get_absolute_url()))
    languages = page_languages(page)
    context = {
        "page": page,
        "contents": contents_list(page.body_html),
        "is_preview": is_preview,
        "back_to_editor": back_to_editor,
        "breadcrumbs": crumbs,
        # Reader experience (issue 5): ways on, metadata for search engines, and "Was this page useful?".
        "navigation": page_navigation(page),
        "structured_data": page_structured_data(page, crumbs, languages.language),
        "feedback": feedback_state(request, page),
        "languages": languages,
        # On a page in te reo Māori, the site's own words around it (header, footer, "Updated") stay English.
        "site_lang": ENGLISH if languages.language != ENGLISH else "",
    }
    return render(request, "microcredentials/advice_page.html", context)


@read_only
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        # The conventional path only: a custom DJANGO_ADMIN_PATH is not advertised to the world here.
        "Disallow: /admin/",
        f"Disallow: {reverse('search')}",
        f"Disallow: {reverse('page_feedback', args=[0]).removesuffix('0/')}",
        "",
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@read_only
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's): send them to the site's icon.

    Not a permanent redirect: browsers keep those for good, and the icon's hashed name changes with the icon.
    """
    return HttpResponseRedirect(static("img/favicon.svg"))
