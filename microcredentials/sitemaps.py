"""/sitemap.xml: the home page, every topic, exactly the live advice pages, the contact page and the calculator,
at SITE_URL's address."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from microcredentials.models import AdvicePage, Topic


def start_of(day: datetime.date | None) -> datetime.datetime | None:
    """The moment an "Updated" date began in New Zealand.

    Django reads a bare date as midnight UTC, up to 13 hours after New Zealand's midnight, so a page updated
    this morning would be dated in the future (in the sitemap's Last-Modified header, for one).
    """
    return None if day is None else timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class SiteUrlSitemap(Sitemap):
    """Addresses built from settings.SITE_URL, like canonical links, whatever Host the request used."""

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site: object = None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class HomeSitemap(SiteUrlSitemap):
    def items(self) -> list[str]:
        return ["/"]

    def location(self, item: str) -> str:
        return item

    def lastmod(self, item: str) -> datetime.datetime | None:
        on_home_page = AdvicePage.objects.live().filter(topic__on_home_page=True)
        return start_of(on_home_page.aggregate(latest=Max("updated_on"))["latest"])


class TopicSitemap(SiteUrlSitemap):
    def items(self) -> QuerySet[Topic]:
        latest_live = AdvicePage.objects.live().filter(topic=OuterRef("pk")).order_by("-updated_on")
        return Topic.objects.annotate(latest=Subquery(latest_live.values("updated_on")[:1])).order_by("order", "pk")

    def lastmod(self, item: Topic) -> datetime.datetime | None:
        return start_of(item.latest)  # type: ignore[attr-defined]


class AdvicePageSitemap(SiteUrlSitemap):
    def items(self) -> QuerySet[AdvicePage]:
        return (
            AdvicePage.objects.live()
            .select_related("topic")
            .only("slug", "updated_on", "topic__slug")
            .order_by("topic__order", "order", "pk")
        )

    def lastmod(self, item: AdvicePage) -> datetime.datetime | None:
        return start_of(item.updated_on)


class ToolsSitemap(SiteUrlSitemap):
    """Pages with no "Updated" date, so no lastmod."""

    def items(self) -> list[str]:
        return ["contact", "study_time"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {"home": HomeSitemap, "topics": TopicSitemap, "pages": AdvicePageSitemap, "tools": ToolsSitemap}
