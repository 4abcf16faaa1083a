from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.urls import path

from microcredentials import reader_views, views
from microcredentials.sitemaps import SITEMAPS

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("", views.home, name="home"),
    # Readers' tools and discovery (issue 5).
    path("search/", reader_views.search, name="search"),
    path("tools/study-time/", reader_views.study_time, name="study_time"),
    path("feedback/<int:page_id>/", reader_views.page_feedback, name="page_feedback"),
    path("robots.txt", reader_views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap_view, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("<slug:topic_slug>/", views.topic, name="topic"),
    path("<slug:topic_slug>/<slug:page_slug>/", views.advice_page, name="advice_page"),
]
