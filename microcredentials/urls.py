from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.urls import path

from careers_site.http import health
from careers_site.http.security import read_only
from careers_site.http.security_txt import security_txt
from careers_site.pagecache.decorators import cache_public_page
from microcredentials.contact_centre import feeds as alert_feeds
from microcredentials.contact_centre import views as contact_centre
from microcredentials.editing import previews
from microcredentials.feedback import views as feedback
from microcredentials.follow import feeds as follow_feeds
from microcredentials.follow import views as follow
from microcredentials.pages import views as pages
from microcredentials.pages.sitemaps import SITEMAPS
from microcredentials.search import views as search
from microcredentials.tools import views as tools

urlpatterns = [
    # Normally answered by health.health_check_middleware before URL routing; kept for reverse().
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", pages.home, name="home"),
    # Fixed paths, above the catch-all topic and page paths.
    path("alerts/dismiss/", contact_centre.dismiss_alert, name="dismiss_alert"),
    path("contact/", contact_centre.contact, name="contact"),
    path("alerts.json", read_only(alert_feeds.alerts_json), name="alerts_json"),
    path("alerts.atom", read_only(alert_feeds.alerts_atom), name="alerts_atom"),
    path("search/", search.search, name="search"),
    path("tools/study-time/", tools.study_time, name="study_time"),
    path("feedback/<int:page_id>/", feedback.page_feedback, name="page_feedback"),
    path("follow/<int:page_id>/", follow.follow_page, name="follow_page"),
    path("follow/confirm/<str:token>/", follow.confirm_subscription, name="confirm_subscription"),
    path("follow/unsubscribe/<str:token>/", follow.unsubscribe, name="unsubscribe"),
    path("updates.atom", read_only(cache_public_page(follow_feeds.SiteChangesFeed())), name="site_changes_feed"),
    path("preview/<str:token>/", previews.shared_preview, name="shared_preview"),
    path("robots.txt", pages.robots_txt, name="robots_txt"),
    path(".well-known/security.txt", security_txt, name="security_txt"),
    path("favicon.ico", pages.favicon, name="favicon"),
    path("sitemap.xml", read_only(cache_public_page(sitemap_view)), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("<slug:topic_slug>/", pages.topic, name="topic"),
    path("<slug:topic_slug>/<slug:page_slug>/", pages.advice_page, name="advice_page"),
    path(
        "<slug:topic_slug>/<slug:page_slug>/feed/",
        read_only(cache_public_page(follow_feeds.PageChangesFeed())),
        name="page_changes_feed",
    ),
]
