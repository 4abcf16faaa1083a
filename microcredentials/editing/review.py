"""Review before publishing, when settings.REQUIRE_REVIEW is on: an editor submits a draft, and a reviewer who
is not its author publishes it, schedules it, or sends it back with a comment. Nobody approves their own change.

Plain functions of (user, draft, text); the admin turns a refusal into a message on the form.
"""

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from microcredentials.editing.publishing import save_draft
from microcredentials.editing.revisions import TEXT_FIELDS, User, user_name
from microcredentials.lib.nztime import format_when
from microcredentials.models import AdvicePage, PageDraft

REVIEW_PERMISSION = "microcredentials.review_advicepage"


def can_review(user: Any) -> bool:
    return bool(user.has_perm(REVIEW_PERMISSION))


def publishing_refusal(user: Any, draft: PageDraft | None, text: dict[str, str]) -> str | None:
    """Why `user` may not publish or schedule `text` now, or None if they may."""
    if not settings.REQUIRE_REVIEW:
        return None
    if not can_review(user):
        return "Publishing needs a reviewer's approval. Press “Submit for review”, and a reviewer will publish it."
    if draft is None or draft.submitted_at is None:
        return "Publishing needs a second person's approval. Submit the change for review first."
    if user.pk in (draft.submitted_by_id, draft.saved_by_id):
        return "You made this change, so another reviewer must approve it."
    if any(text.get(name) != getattr(draft, name) for name in TEXT_FIELDS):
        return (
            "You changed the text under review. Save your version as a draft and submit it, "
            "so that another reviewer can approve your change."
        )
    return None


def submit_for_review(
    page: AdvicePage, text: dict[str, str], change_note: str, user: User, expected_version: int | None
) -> str:
    save_draft(page, text, change_note, user, expected_version)
    PageDraft.objects.filter(page=page).update(
        submitted_by=user, submitted_at=timezone.now(), returned_by=None, review_comment=""
    )
    return "Submitted for review."


def send_back(draft: PageDraft, reviewer: User, comment: str) -> str:
    """Return a submitted draft to its author with the reviewer's comment; the draft stays as it is."""
    author = draft.submitted_by
    draft.submitted_at = None
    draft.returned_by = reviewer  # type: ignore[assignment]
    draft.review_comment = comment
    draft.save(update_fields=["submitted_at", "returned_by", "review_comment"])
    return f"Sent back to {user_name(author)} for changes: {comment}"


def approval_note(draft: PageDraft | None) -> str:
    """For the log of a reviewer's publish: whose change was approved."""
    if draft is None or draft.submitted_at is None:
        return ""
    return f"Approved the change submitted by {user_name(draft.submitted_by)}."


def outcome_for_author(
    action: str, draft: PageDraft | None, reviewer: User, comment: str = "", go_live_at: datetime.datetime | None = None
) -> str | None:
    """What to tell the author of a draft submitted for review after a reviewer's `action`, or None."""
    if draft is None or draft.submitted_by_id is None:
        return None
    who = user_name(reviewer)
    if action == "_send_back":
        return (
            f"{who} sent your change back with this comment:\n\n{comment}\n\n"
            "Your draft is kept as you left it: change it, then submit it again."
        )
    if not settings.REQUIRE_REVIEW or draft.submitted_at is None:
        return None
    if action == "_publish":
        return f"{who} approved your change and published it. Readers see it now."
    if action == "_schedule" and go_live_at is not None:
        return f"{who} approved your change. It goes live at {format_when(go_live_at)}."
    return None
