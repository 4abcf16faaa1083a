from django.urls import path

from microcredentials import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("", views.home, name="home"),
    path("<slug:topic_slug>/", views.topic, name="topic"),
    path("<slug:topic_slug>/<slug:page_slug>/", views.advice_page, name="advice_page"),
]
