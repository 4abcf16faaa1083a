import reversion

from careers_site.pagecache.generation import invalidate_on_change
from microcredentials.editing.revisions import REVISION_FIELDS
from microcredentials.models import AdvicePage, PageDraft


def connect() -> None:
    if not reversion.is_registered(AdvicePage):
        reversion.register(AdvicePage, fields=REVISION_FIELDS)
    invalidate_on_change(PageDraft)  # a scheduled draft changes when pages next change by themselves
