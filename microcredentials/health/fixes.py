""" "Use the new address": a redirected link replaced by where it now leads, through the normal editing path."""

import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from microcredentials.editing.publishing import save_draft
from microcredentials.editing.revisions import TEXT_FIELDS, User, save_with_revision
from microcredentials.models import AdvicePage, LinkCheck, PageDraft


class NothingToReplace(Exception):
    """The text no longer has the old address, or the check has no new one."""


# A new address must fit in Markdown as it is: another site's Location header decides what it is.
UNSAFE_IN_MARKDOWN = re.compile(r"[\s()<>\[\]\"'`\\]")


def replace_address(text: str, old: str, new: str) -> tuple[str, int]:
    """Replace whole occurrences of `old` (not the start of a longer address) with `new`."""
    pattern = re.compile(re.escape(old) + r"(?![\w/?#&=%~+-]|\.\w)")
    return pattern.subn(lambda _match: new, text)


def use_new_address(check: LinkCheck, user: User) -> str:
    """Put the check's final address in place of the old one: in the page's draft if it has one (or if
    publishing needs review), otherwise in the page itself. Either way a revision records it. Returns the
    message for the log."""
    if check.status != LinkCheck.Status.REDIRECTED or not check.final_url:
        raise NothingToReplace("This link is not redirected, so there is no new address to use.")
    if not check.final_url.lower().startswith(("http://", "https://")) or UNSAFE_IN_MARKDOWN.search(check.final_url):
        raise NothingToReplace("The new address has characters that need care: change the link by hand.")
    page = AdvicePage.objects.get(pk=check.page_id)
    draft = PageDraft.objects.filter(page=page).first()
    message = f"Replaced the link {check.url} with its new address {check.final_url}."
    with transaction.atomic():
        if draft is not None or (settings.REQUIRE_REVIEW and page.is_live()):
            _replace_in_draft(page, draft, check, user)
            return f"{message} The change is in the draft."
        body, count = replace_address(page.body, check.url, check.final_url)
        if not count:
            raise NothingToReplace("The page no longer links to the old address.")
        page.body = body
        save_with_revision(page, page.version, user, message)
        check.delete()
        LinkCheck.objects.update_or_create(
            page=page,
            url=check.final_url,
            defaults={"status": LinkCheck.Status.OK, "status_code": check.status_code, "checked_at": timezone.now()},
        )
    return message


def _replace_in_draft(page: AdvicePage, draft: PageDraft | None, check: LinkCheck, user: User) -> None:
    source = draft if draft is not None else page
    text = {name: getattr(source, name) for name in TEXT_FIELDS}
    text["body"], count = replace_address(text["body"], check.url, check.final_url)
    if not count:
        raise NothingToReplace("The draft no longer links to the old address.")
    change_note = draft.change_note if draft else ""
    publish_at = draft.publish_at if draft else None
    save_draft(page, text, change_note, user, page.version, publish_at)
