"""/sitemap.xml: the home page, every topic, exactly the live advice pages, the contact page and the calculator,
at SITE_URL's address."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.urls import reverse

from microcredentials.models import AdvicePage, Topic


class SiteUrlSitemap(Sitemap):
    """Addresses built from settings.SITE_URL, like canonical links, whatever Host the request used."""

    def get_protocol(self, protocol: str | None = None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site: object = None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class HomeSitemap(SiteUrlSitemap):
    def items(self) -> list[str]:
        return ["home"]

    def location(self, item: str) -> str:
        return reverse(item)

    def lastmod(self, item: str) -> datetime.date | None:
        on_home_page = AdvicePage.objects.live().filter(topic__on_home_page=True)
        return on_home_page.aggregate(latest=Max("updated_on"))["latest"]


class TopicSitemap(SiteUrlSitemap):
    def items(self) -> QuerySet[Topic]:
        latest_live = AdvicePage.objects.live().filter(topic=OuterRef("pk")).order_by("-updated_on")
        return Topic.objects.annotate(latest=Subquery(latest_live.values("updated_on")[:1])).order_by("order", "pk")

    def lastmod(self, item: Topic) -> datetime.date | None:
        return item.latest  # type: ignore[attr-defined, no-any-return]


class AdvicePageSitemap(SiteUrlSitemap):
    def items(self) -> QuerySet[AdvicePage]:
        return (
            AdvicePage.objects.live()
            .select_related("topic")
            .only("slug", "updated_on", "topic__slug")
            .order_by("topic__order", "order", "pk")
        )

    def lastmod(self, item: AdvicePage) -> datetime.date:
        return item.updated_on


class ToolsSitemap(SiteUrlSitemap):
    """Pages with no "Updated" date, so no lastmod. Without one here Django sets no Last-Modified of its own,
    which it would date at midnight UTC of the latest "Updated" date: up to 13 hours in New Zealand's future."""

    def items(self) -> list[str]:
        return ["contact", "study_time"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {"home": HomeSitemap, "topics": TopicSitemap, "pages": AdvicePageSitemap, "tools": ToolsSitemap}
