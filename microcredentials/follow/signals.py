from typing import Any

from django.db.models.signals import post_save

from microcredentials.follow.subscriptions import queue_alerts_for
from microcredentials.models import PageChange


def _major_change_saved(sender: type[PageChange], instance: PageChange, created: bool, **kwargs: Any) -> None:
    if created:
        queue_alerts_for(instance)


def connect() -> None:
    # A major change, however it was published (saved by an editor, approved, or published as scheduled).
    post_save.connect(_major_change_saved, sender=PageChange, dispatch_uid="follow-major-change")
