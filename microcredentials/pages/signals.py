from django.db.models.signals import post_delete, post_save

from careers_site.pagecache.generation import invalidate_on_change
from microcredentials.models import AdvicePage, PageChange, Topic, copy_history_to_page


def connect() -> None:
    invalidate_on_change(Topic, AdvicePage, PageChange, AdvicePage.related_pages.through)
    # Signals, so that bulk deletes of history entries count too.
    post_save.connect(copy_history_to_page, sender=PageChange, dispatch_uid="copy-page-history-save")
    post_delete.connect(copy_history_to_page, sender=PageChange, dispatch_uid="copy-page-history-delete")
