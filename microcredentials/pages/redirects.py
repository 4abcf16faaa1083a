"""Addresses never break: when a published page's slug or topic changes, by any path that saves the model (the
admin, load_content, the shell), every old address answers 301 to the current one.

Our own small model rather than django.contrib.redirects: that app needs django.contrib.sites, matches paths
before our views (so it could shadow a live page) and stores the target as text, so a second move would leave
a chain or a dead end. Ours points at the page itself, so every redirect is one hop to wherever it is now,
and is read only when no live page has the address.
"""

from typing import Any

from microcredentials.models import AdvicePage, Redirect, Topic


def remember_old_address(sender: type[AdvicePage], instance: AdvicePage, **kwargs: Any) -> None:
    """pre_save: note the address a live page is leaving (drafts have no public address to keep)."""
    if instance.pk is None:
        return
    stored = AdvicePage.objects.live().select_related("topic").filter(pk=instance.pk).first()
    instance._old_path = stored.get_absolute_url() if stored else None  # type: ignore[attr-defined]


def redirect_old_address(sender: type[AdvicePage], instance: AdvicePage, **kwargs: Any) -> None:
    """post_save: the old address leads here now; the new one is the page's own, never a redirect."""
    Redirect.objects.filter(old_path=instance.get_absolute_url()).delete()
    old_path = getattr(instance, "_old_path", None)
    if old_path and old_path != instance.get_absolute_url():
        Redirect.objects.update_or_create(old_path=old_path, defaults={"page": instance})


def remember_topic_addresses(sender: type[Topic], instance: Topic, **kwargs: Any) -> None:
    """pre_save of a topic: the addresses of its live pages, in case its slug changes."""
    if instance.pk is None:
        return
    pages = AdvicePage.objects.live().select_related("topic").filter(topic_id=instance.pk)
    instance._old_paths = {page.pk: page.get_absolute_url() for page in pages}  # type: ignore[attr-defined]


def redirect_topic_addresses(sender: type[Topic], instance: Topic, **kwargs: Any) -> None:
    for page in AdvicePage.objects.filter(pk__in=getattr(instance, "_old_paths", {})).select_related("topic"):
        page._old_path = instance._old_paths[page.pk]  # type: ignore[attr-defined]
        redirect_old_address(AdvicePage, page)


def live_page_moved_from(path: str) -> AdvicePage | None:
    """The live page that used to be at `path`, if any: asked only once no page answers there."""
    found = Redirect.objects.select_related("page__topic").filter(old_path=path).first()
    return found.page if found is not None and found.page.is_live() else None
