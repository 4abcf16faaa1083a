from careers_site.pagecache.generation import invalidate_on_change
from microcredentials.models import ClosedDay, ContactDetails, OpeningHours, SiteAlert


def connect() -> None:
    # Extra closed days change the contact page's status and hours, and the automatic closure notices.
    invalidate_on_change(SiteAlert, ContactDetails, OpeningHours, ClosedDay)
