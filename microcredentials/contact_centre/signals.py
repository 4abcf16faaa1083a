from careers_site.pagecache.generation import invalidate_on_change
from microcredentials.models import ContactDetails, OpeningHours, SiteAlert


def connect() -> None:
    invalidate_on_change(SiteAlert, ContactDetails, OpeningHours)
