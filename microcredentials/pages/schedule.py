"""When public pages next change by themselves: the page cache asks (settings.PAGECACHE_NEXT_CHANGE), so that
a cached copy never outlives a scheduled publication."""

import datetime

from django.utils import timezone

from microcredentials.models import AdvicePage, PageDraft


def next_scheduled_change() -> datetime.datetime | None:
    """The next first publication, or the earliest scheduled draft (one already due counts: it is waiting for
    the next request to publish it)."""
    first_publication = (
        AdvicePage.objects.filter(status=AdvicePage.Status.PUBLISHED, publish_at__gt=timezone.now())
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
    draft = PageDraft.objects.filter(publish_at__isnull=False).order_by("publish_at")
    next_draft = draft.values_list("publish_at", flat=True).first()
    return min((moment for moment in (first_publication, next_draft) if moment), default=None)
