import reversion

from microcredentials.editing.revisions import REVISION_FIELDS
from microcredentials.models import AdvicePage


def connect() -> None:
    if not reversion.is_registered(AdvicePage):
        reversion.register(AdvicePage, fields=REVISION_FIELDS)
