"""Publishing and unpublishing pages from the admin's list, each as a recorded revision."""

from django.utils import timezone

from microcredentials.editing.revisions import User, save_with_revision
from microcredentials.models import AdvicePage

PUBLISHED_MESSAGE = "Published (with the “Publish now” action)."
UNPUBLISHED_MESSAGE = "Unpublished, now a draft (with the “Unpublish” action)."


def publish_now(page: AdvicePage, user: User) -> str | None:
    """Make a page live at once, cancelling any later schedule. Returns the log message, or None if already live."""
    if page.is_live():
        return None
    page.status = AdvicePage.Status.PUBLISHED
    if page.publish_at and page.publish_at > timezone.now():
        page.publish_at = None
    return _save(page, user, PUBLISHED_MESSAGE)


def unpublish(page: AdvicePage, user: User) -> str | None:
    """Make a page a draft. Returns the log message, or None if it already was one."""
    if page.status == AdvicePage.Status.DRAFT:
        return None
    page.status = AdvicePage.Status.DRAFT
    return _save(page, user, UNPUBLISHED_MESSAGE)


def _save(page: AdvicePage, user: User, message: str) -> str:
    if user.is_authenticated:
        page.last_edited_by = user  # type: ignore[assignment]
    save_with_revision(page, page.version, user, message)
    return message
