from django.db.models.signals import post_delete, post_save

from microcredentials.models import AdvicePage
from microcredentials.search.query import index_page, unindex_page


def connect() -> None:
    """Keep the search index in step with saved and deleted pages."""
    post_save.connect(index_page, sender=AdvicePage, dispatch_uid="search-index-page")
    post_delete.connect(unindex_page, sender=AdvicePage, dispatch_uid="search-unindex-page")
