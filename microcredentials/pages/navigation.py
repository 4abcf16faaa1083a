"""Ways on from an advice page: related pages chosen by editors, and previous/next within the topic.

Both come from one query: the live pages of the page's topic, plus the live pages the editors linked.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q

from microcredentials.models import AdvicePage


@dataclass(frozen=True)
class PageNavigation:
    related: list[AdvicePage] = field(default_factory=list)
    previous: AdvicePage | None = None
    next: AdvicePage | None = None


def _position(page: AdvicePage) -> tuple[int, str, int]:
    """Where a page sits in its topic: the same order as the topic's list of pages."""
    return (page.order, page.title, page.pk)


def page_navigation(page: AdvicePage) -> PageNavigation:
    links = AdvicePage.related_pages.through.objects.filter(from_advicepage=page.pk)
    candidates = (
        AdvicePage.objects.live()
        .filter(Q(topic=page.topic_id) | Q(pk__in=links.values("to_advicepage")))
        .exclude(pk=page.pk)
        .annotate(is_related=Exists(links.filter(to_advicepage=OuterRef("pk"))))
        .select_related("topic")
        .only("title", "slug", "order", "topic__slug", "topic__title")
    )
    related: list[AdvicePage] = []
    before: list[AdvicePage] = []
    after: list[AdvicePage] = []
    here = _position(page)
    for candidate in candidates:
        if candidate.is_related:  # type: ignore[attr-defined]
            related.append(candidate)
        if candidate.topic_id == page.topic_id:
            (before if _position(candidate) < here else after).append(candidate)
    return PageNavigation(
        related=related,
        previous=max(before, key=_position, default=None),
        next=min(after, key=_position, default=None),
    )
