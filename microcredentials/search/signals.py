from django.db.models.signals import post_delete, post_save

from careers_site.pagecache.generation import invalidate_on_change
from microcredentials.models import AdvicePage, BestBet, Synonym
from microcredentials.search.query import index_page, unindex_page


def connect() -> None:
    """Keep the search index in step with saved and deleted pages; synonyms and recommended results change what
    cached searches show (and what search/tuning.py keeps per generation)."""
    post_save.connect(index_page, sender=AdvicePage, dispatch_uid="search-index-page")
    post_delete.connect(unindex_page, sender=AdvicePage, dispatch_uid="search-unindex-page")
    invalidate_on_change(Synonym, BestBet)
