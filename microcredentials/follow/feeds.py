"""Atom feeds of major changes: one per page (/<topic>/<page>/feed/) and one for the whole site (/updates.atom).

Entries are the public "Page history" of live pages, so a feed says what the page itself says. They are cached as
public pages, and change when the pages do.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from microcredentials.lib.nztime import NZ_TIME, format_date
from microcredentials.models import AdvicePage, PageChange

ENTRIES = 20


def _changed_at(change: PageChange) -> datetime.datetime:
    return datetime.datetime.combine(change.changed_on, datetime.time(), tzinfo=NZ_TIME)


class _ChangesFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed

    def item_description(self, change: PageChange) -> str:
        return f"{change.note} (updated {format_date(change.changed_on)})"

    def item_link(self, change: PageChange) -> str:
        return change.page.get_absolute_url()

    def item_guid(self, change: PageChange) -> str:
        return f"{change.page.get_absolute_url()}#change-{change.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, change: PageChange) -> datetime.datetime:
        return _changed_at(change)

    def item_updateddate(self, change: PageChange) -> datetime.datetime:
        return _changed_at(change)


class PageChangesFeed(_ChangesFeed):
    def get_object(self, request: HttpRequest, topic_slug: str, page_slug: str) -> AdvicePage:
        live = AdvicePage.objects.live().select_related("topic")
        return get_object_or_404(live, topic__slug=topic_slug, slug=page_slug)

    def title(self, page: AdvicePage) -> str:
        return f"Changes to “{page.title}”"

    def subtitle(self, page: AdvicePage) -> str:
        return f"Major changes to this careers advice page. {page.summary}"

    def link(self, page: AdvicePage) -> str:
        return page.get_absolute_url()

    def items(self, page: AdvicePage) -> list[PageChange]:
        today = timezone.localdate(timezone=NZ_TIME)
        return list(page.changes.filter(changed_on__lte=today).select_related("page__topic")[:ENTRIES])

    def item_title(self, change: PageChange) -> str:
        return change.note


class SiteChangesFeed(_ChangesFeed):
    title = "Careers advice: page updates"
    subtitle = "Major changes to every careers advice page, newest first."

    def link(self) -> str:
        return reverse("home")

    def items(self) -> list[PageChange]:
        today = timezone.localdate(timezone=NZ_TIME)
        live = AdvicePage.objects.live()
        changes = PageChange.objects.filter(page__in=live, changed_on__lte=today).select_related("page__topic")
        return list(changes[:ENTRIES])

    def item_title(self, change: PageChange) -> str:
        return f"{change.page.title}: {change.note}"
