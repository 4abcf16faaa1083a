"""When public pages next change by themselves: the page cache asks (settings.PAGECACHE_NEXT_CHANGE), so that
a cached copy never outlives a scheduled publication."""

import datetime

from django.utils import timezone

from microcredentials.models import AdvicePage


def next_scheduled_change() -> datetime.datetime | None:
    return (
        AdvicePage.objects.filter(status=AdvicePage.Status.PUBLISHED, publish_at__gt=timezone.now())
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
