from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.urls import path

from microcredentials import alert_views, health, reader_views, views
from microcredentials.caching import cache_public_page
from microcredentials.security import read_only
from microcredentials.sitemaps import SITEMAPS

urlpatterns = [
    # Normally answered by health.health_check_middleware before URL routing; kept for reverse().
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", views.home, name="home"),
    # Site alert and contact page (fixed paths, above the catch-alls).
    path("alerts/dismiss/", alert_views.dismiss_alert, name="dismiss_alert"),
    path("contact/", alert_views.contact, name="contact"),
    # Readers' tools and discovery (issue 5).
    path("search/", reader_views.search, name="search"),
    path("tools/study-time/", reader_views.study_time, name="study_time"),
    path("feedback/<int:page_id>/", reader_views.page_feedback, name="page_feedback"),
    path("robots.txt", reader_views.robots_txt, name="robots_txt"),
    path("favicon.ico", reader_views.favicon, name="favicon"),
    path("sitemap.xml", read_only(cache_public_page(sitemap_view)), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("<slug:topic_slug>/", views.topic, name="topic"),
    path("<slug:topic_slug>/<slug:page_slug>/", views.advice_page, name="advice_page"),
]
