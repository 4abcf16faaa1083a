"""Breadcrumbs, built in one place: Home, then each (title, address) given."""

from django.urls import reverse


def breadcrumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    return [{"title": "Home", "url": reverse("home")}] + [{"title": title, "url": url} for title, url in items]
