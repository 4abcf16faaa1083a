from django.db.models.signals import post_save

from microcredentials.health import jobs, links
from microcredentials.models import AdvicePage, LinkCheck


def queue_link_check(sender: type[AdvicePage], instance: AdvicePage, raw: bool = False, **kwargs: object) -> None:
    """A published page with links not yet checked gets a check, queued in the transaction that saved it; an
    unpublished page's results go."""
    if raw:
        return
    if instance.status != AdvicePage.Status.PUBLISHED:  # readers cannot follow its links: nothing to report
        LinkCheck.objects.filter(page=instance).delete()
    elif links.needs_check(instance):
        jobs.check_page_links.enqueue(instance.pk)


def connect() -> None:
    # Whatever publishes (the admin's Publish, a scheduled draft, load_content), the page's save is the signal.
    post_save.connect(queue_link_check, sender=AdvicePage, dispatch_uid="health-queue-link-check")
