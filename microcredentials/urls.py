from django.urls import path

from microcredentials import alert_views, health, views

urlpatterns = [
    # Normally answered by health.health_check_middleware before URL routing; kept for reverse().
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", views.home, name="home"),
    # Site alert and contact page (fixed paths, above the catch-alls).
    path("alerts/dismiss/", alert_views.dismiss_alert, name="dismiss_alert"),
    path("contact/", alert_views.contact, name="contact"),
    path("<slug:topic_slug>/", views.topic, name="topic"),
    path("<slug:topic_slug>/<slug:page_slug>/", views.advice_page, name="advice_page"),
]
