from django.urls import path

from microcredentials import health, views

urlpatterns = [
    # Normally answered by health.health_check_middleware before URL routing; kept for reverse().
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", views.home, name="home"),
    path("<slug:topic_slug>/", views.topic, name="topic"),
    path("<slug:topic_slug>/<slug:page_slug>/", views.advice_page, name="advice_page"),
]
