"""Publishing: a live page stays up while its next version is drafted, then goes live now or at a set time.

Every step is a revision of the page (who, when, what), and the audit log's entry is the same message.
A scheduled draft needs no cron: the page cache asks `publish_due_drafts` to run whenever a scheduled moment
has passed (settings.PAGECACHE_APPLY_DUE), and the admin's page list runs it too.
"""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from reversion.models import Version

from microcredentials.editing.locking import EditConflict
from microcredentials.editing.revisions import (
    TEXT_FIELDS,
    User,
    restore,
    save_with_revision,
    version_label,
    version_values,
)
from microcredentials.lib.nztime import format_when
from microcredentials.models import AdvicePage, PageChange, PageDraft
from microcredentials.pages.rendering import render_body

PUBLISHED_MESSAGE = "Published (with the “Publish now” action)."
UNPUBLISHED_MESSAGE = "Unpublished, now a draft (with the “Unpublish” action)."


def publish_now(page: AdvicePage, user: User) -> str | None:
    """Make a page live at once: its draft if it has one, or the page itself, cancelling any later schedule.

    Returns the log message, or None if there was nothing to publish."""
    draft = PageDraft.objects.filter(page=page).first()
    if draft is not None:
        return publish_draft(page, draft, user, PUBLISHED_MESSAGE)
    if page.is_live():
        return None
    page.status = AdvicePage.Status.PUBLISHED
    if page.publish_at and page.publish_at > timezone.now():
        page.publish_at = None
    return _save(page, user, PUBLISHED_MESSAGE)


def unpublish(page: AdvicePage, user: User) -> str | None:
    """Take a page off the site. Returns the log message, or None if it was not published."""
    if page.status == AdvicePage.Status.DRAFT:
        return None
    page.status = AdvicePage.Status.DRAFT
    return _save(page, user, UNPUBLISHED_MESSAGE)


def save_draft(
    page: AdvicePage,
    text: dict[str, str],
    change_note: str,
    user: User,
    expected_version: int | None,
    publish_at: datetime.datetime | None = None,
) -> str:
    """Keep `text` (title, summary, body) as the page's draft, leaving the live text alone; save the page's other
    fields (its settings) through the version check, so a stale form is refused here too. Returns the message."""
    live = AdvicePage.objects.get(pk=page.pk)
    for name in TEXT_FIELDS:
        setattr(page, name, getattr(live, name))
    message = f"Saved a draft, scheduled to go live at {format_when(publish_at)}." if publish_at else "Saved a draft."
    with transaction.atomic():
        save_with_revision(page, expected_version, user, message)
        PageDraft.objects.update_or_create(
            page=page,
            defaults={
                **text,
                "change_note": change_note,
                "publish_at": publish_at,
                "saved_by": user if user.is_authenticated else None,
            },
        )
    return message


def publish_draft(page: AdvicePage, draft: PageDraft, user: User | None, message: str) -> str:
    """Make the draft the live page, in one revision; a major-change note goes into the page history."""
    for name in TEXT_FIELDS:
        setattr(page, name, getattr(draft, name))
    now = timezone.now()
    page.status = AdvicePage.Status.PUBLISHED
    page.publish_at = None
    page.live_since = min(draft.publish_at or now, now)  # a scheduled draft went live at its moment
    if draft.change_note:
        page.updated_on = timezone.localdate()
    with transaction.atomic():
        save_with_revision(page, page.version, user or draft.saved_by or AnonymousUser(), message)
        if draft.change_note:
            PageChange.objects.create(page=page, changed_on=page.updated_on, note=draft.change_note)
        draft.delete()
    return message


def restore_revision(page: AdvicePage, version: Version, user: User) -> str:
    """Put back a revision's title, summary and body. A live page gets them as its draft, so readers see no
    change until someone publishes it; a page not live yet is its own working copy. Returns the message."""
    if not page.is_live():
        return restore(page, version, user)
    values = version_values(version)
    text = {name: values[name] for name in TEXT_FIELDS}
    render_body(text["body"])  # a revision saved before today's limits is refused now, not when it is published
    save_draft(page, text, "", user, page.version)
    message = (
        f"Restored the title, summary and body from the {version_label(version)} as a draft. "
        "Readers see the live page until the draft is published."
    )
    return message


def publish_due_drafts(now: datetime.datetime | None = None) -> int:
    """Publish every draft whose scheduled moment has come. Returns how many went live."""
    now = now or timezone.now()
    published = 0
    for draft in PageDraft.objects.filter(publish_at__lte=now).select_related("page", "saved_by"):
        try:
            scheduled = format_when(draft.publish_at or now)
            publish_draft(draft.page, draft, None, f"Published as scheduled for {scheduled}.")
        except EditConflict:  # an editor saved at the same moment: the next request tries again
            continue
        published += 1
    return published


def _save(page: AdvicePage, user: User, message: str) -> str:
    if user.is_authenticated:
        page.last_edited_by = user  # type: ignore[assignment]
    save_with_revision(page, page.version, user, message)
    return message
