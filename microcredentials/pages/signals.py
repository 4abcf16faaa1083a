from django.db.models.signals import post_delete, post_save, pre_save

from careers_site.pagecache.generation import invalidate_on_change
from microcredentials.models import AdvicePage, PageChange, Redirect, Topic, copy_history_to_page
from microcredentials.pages import redirects


def connect() -> None:
    invalidate_on_change(Topic, AdvicePage, PageChange, Redirect, AdvicePage.related_pages.through)
    # Signals, so that bulk deletes of history entries count too.
    post_save.connect(copy_history_to_page, sender=PageChange, dispatch_uid="copy-page-history-save")
    post_delete.connect(copy_history_to_page, sender=PageChange, dispatch_uid="copy-page-history-delete")
    # Old addresses of published pages answer 301, whatever saved the change.
    pre_save.connect(redirects.remember_old_address, sender=AdvicePage, dispatch_uid="redirects-page-before")
    post_save.connect(redirects.redirect_old_address, sender=AdvicePage, dispatch_uid="redirects-page-after")
    pre_save.connect(redirects.remember_topic_addresses, sender=Topic, dispatch_uid="redirects-topic-before")
    post_save.connect(redirects.redirect_topic_addresses, sender=Topic, dispatch_uid="redirects-topic-after")
