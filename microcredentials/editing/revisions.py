"""Page revisions, stored by django-reversion: record, list, compare and restore.

Every save through the admin records a revision with the editor and a comment, and load_content records
one when it adds or updates a page. A page with no revisions yet (one loaded before load_content recorded
them, or made outside the admin) gets a first "baseline" revision of its state before it is first changed,
so that change can be compared and undone too.
"""

import datetime
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import reversion
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Cast, Coalesce
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from reversion.models import Version

from microcredentials.editing.locking import save_page
from microcredentials.lib.nztime import format_when, short_date
from microcredentials.models import AdvicePage

REVISION_FIELDS = [
    "topic", "title", "slug", "summary", "body", "status", "publish_at", "updated_on",
    "order", "owner", "review_by", "last_edited_by", "version",
]  # fmt: skip
TEXT_FIELDS = ("title", "summary", "body")  # what editors write: compared, merged on conflict, restored
OTHER_FIELDS = ("topic_id", "slug", "status", "publish_at", "updated_on", "review_by", "owner_id")
LABELS = {
    "title": "Title",
    "summary": "Summary",
    "body": "Body",
    "topic_id": "Topic",
    "slug": "Address (slug)",
    "status": "Status",
    "publish_at": "Publish at",
    "updated_on": "Public “Updated” date",
    "review_by": "Review by",
    "owner_id": "Owner",
}

User = AbstractBaseUser | AnonymousUser

# Revisions recorded without an editor, told apart by their comments: the baseline of a page with no revisions
# yet (see record_baseline), and a page added or updated by load_content (see load_comment).
BASELINE_COMMENT = "The page as it was before its first edit in the admin."
LOADED_BASELINE_COMMENT = "The page as loaded from content/, before its first recorded change."
BASELINE_LABELS = {
    LOADED_BASELINE_COMMENT: "as loaded from content/",
    BASELINE_COMMENT: "before its first edit in the admin",
}
LOADED_BY = "load_content"
LOAD_COMMENT_START, LOAD_COMMENT_END = "Loaded from content/", f" by {LOADED_BY}"
NOT_RECORDED = "Not recorded"

WORD_OR_SPACE = re.compile(r"\s+|\S+")
CONTEXT_LINES = 2  # unchanged lines shown either side of a change; longer unchanged stretches are shortened
EXACT_DIFF_LIMIT = 1_000_000  # tokens before × tokens after, beyond which difflib's quicker heuristic is used


@dataclass(frozen=True)
class FieldDiff:
    label: str
    table: SafeString | None = None  # for text fields: the word diff, both texts side by side (diff_table)
    before: str = ""
    after: str = ""


def user_name(user: Any) -> str:
    if user is None:
        return "no one recorded"
    return user.get_full_name() or user.get_username()


def page_versions(page: AdvicePage) -> list[Version]:
    """The page's revisions, newest first, each with `made_by` for the History page's "By" column."""
    versions = list(Version.objects.get_for_object(page).select_related("revision__user"))
    for version in versions:
        version.made_by = made_by(version)
    return versions


def made_by(version: Version) -> str:
    """Who made a revision: the editor's name, "load_content" for a page as it loaded it, or "Not recorded"."""
    user, comment = version.revision.user, version.revision.comment
    if user is not None:
        return user_name(user)
    if comment == LOADED_BASELINE_COMMENT or (
        comment.startswith(LOAD_COMMENT_START) and comment.endswith(LOAD_COMMENT_END)
    ):
        return LOADED_BY
    return NOT_RECORDED


def version_label(version: Version) -> str:
    """E.g. "revision of 29 Aug 2023, 3.05pm by editor", to follow "the" in a sentence. A baseline says what
    it is instead: "revision of 29 Aug 2023, 3.05pm, as loaded from content/"."""
    when = format_when(version.revision.date_created)
    if version.revision.user is None and version.revision.comment in BASELINE_LABELS:
        return f"revision of {when}, {BASELINE_LABELS[version.revision.comment]}"
    who = made_by(version)
    return f"revision of {when}, editor not recorded" if who == NOT_RECORDED else f"revision of {when} by {who}"


def load_comment(path: str) -> str:
    """The comment of a revision recorded by load_content; `path` is the file's, inside content/."""
    return f"{LOAD_COMMENT_START}{path}{LOAD_COMMENT_END}"


def revision_count() -> Coalesce:
    """An annotation counting each page's revisions, for the admin list."""
    versions = (
        Version.objects.filter(
            content_type=ContentType.objects.get_for_model(AdvicePage),
            object_id=Cast(OuterRef("pk"), output_field=CharField()),
        )
        .order_by()
        .values("object_id")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(versions, output_field=IntegerField()), 0)


def record_baseline(page_pk: int) -> None:
    """Keep the stored state of a page with no revisions yet, before it is first changed."""
    stored = AdvicePage.objects.filter(pk=page_pk).first()
    if stored is None or Version.objects.get_for_object(stored).exists():
        return
    with reversion.create_revision():
        reversion.set_comment(LOADED_BASELINE_COMMENT if stored.loaded_source_hash else BASELINE_COMMENT)
        reversion.add_to_revision(stored)


def save_with_revision(page: AdvicePage, expected_version: int | None, user: User, comment: str) -> None:
    """Save through the version check, recording a revision by `user`. Raises EditConflict."""
    with transaction.atomic():
        if page.pk is not None:
            record_baseline(page.pk)
        with reversion.create_revision():
            reversion.set_user(user if user.is_authenticated else None)
            reversion.set_comment(comment)
            save_page(page, expected_version)
            reversion.add_to_revision(page)  # the saved state, even if something saved the page twice


def page_values(page: AdvicePage) -> dict[str, Any]:
    return {name: getattr(page, name) for name in (*TEXT_FIELDS, *OTHER_FIELDS, "version")}


def version_values(version: Version) -> dict[str, Any]:
    return dict(version.field_dict)


def version_with_number(page: AdvicePage, number: int | None) -> Version | None:
    """The newest revision recorded when the page was at version `number`."""
    for version in page_versions(page):
        if version.field_dict.get("version") == number:
            return version
    return None


def _display(name: str, value: Any) -> str:
    if value in (None, ""):
        return "(empty)"
    if name == "status":
        return str(AdvicePage.Status(value).label)
    if isinstance(value, datetime.datetime):
        return format_when(value)
    if isinstance(value, datetime.date):
        return short_date(value)
    if name in ("topic_id", "owner_id"):
        return _related_name(name, value)
    return str(value)


def _related_name(name: str, pk: int) -> str:
    field = AdvicePage._meta.get_field(name.removesuffix("_id"))
    model = field.related_model
    assert model is not None and not isinstance(model, str)
    found = model._default_manager.filter(pk=pk).first()
    return str(user_name(found) if name == "owner_id" and found else found or f"(deleted, id {pk})")


def diff_table(before: str, after: str, before_label: str, after_label: str) -> SafeString:
    """Two texts in two labelled columns, removed words in <del> in the first and inserted words in <ins> in
    the second; everything escaped. The column headings are h4s, under the field's h3 in diffs.html."""
    old_html, new_html = word_diff(before, after)
    return format_html(
        '<div class="word-diff">{}{}</div>',
        _side("before", before_label, old_html),
        _side("after", after_label, new_html),
    )


def _side(name: str, label: str, html: SafeString) -> SafeString:
    return format_html(
        '<div class="word-diff-{}"><h4 class="word-diff-label">{}</h4><div class="word-diff-text">{}</div></div>',
        name,
        label,
        html or format_html('<span class="word-diff-empty">{}</span>', "(empty)"),
    )


def word_diff(before: str, after: str) -> tuple[SafeString, SafeString]:
    """Both texts as escaped HTML, compared word by word: what `before` lost in <del>, what `after` gained in
    <ins>. Unchanged stretches longer than a few lines are shortened to CONTEXT_LINES either side of a change."""
    old, new = WORD_OR_SPACE.findall(before), WORD_OR_SPACE.findall(after)
    chunks = _chunks(old, new)
    old_html: list[str] = []
    new_html: list[str] = []
    for index, (changed, i1, i2, j1, j2) in enumerate(chunks):
        if not changed:
            same = "".join(old[i1:i2])
            shown = escape(same) if len(chunks) == 1 else _shorten(same, index == 0, index == len(chunks) - 1)
            old_html.append(shown)
            new_html.append(shown)
            continue
        if i2 > i1:
            old_html.append(format_html("<del>{}</del>", "".join(old[i1:i2])))
        if j2 > j1:
            new_html.append(format_html("<ins>{}</ins>", "".join(new[j1:j2])))
    return mark_safe("".join(old_html)), mark_safe("".join(new_html))  # every part escaped above


def _chunks(old: list[str], new: list[str]) -> list[tuple[bool, int, int, int, int]]:
    """The two token lists as alternating unchanged and changed stretches: (changed, i1, i2, j1, j2), like
    difflib's opcodes. Spaces between two changes are part of one change, so "the cat sat" replaced by
    "a dog ran" reads as one change rather than three."""
    chunks: list[tuple[bool, int, int, int, int]] = []
    opcodes = _opcodes(old, new)
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        changed = tag != "equal" or (0 < index < len(opcodes) - 1 and "".join(old[i1:i2]).isspace())
        if chunks and chunks[-1][0] == changed:
            chunks[-1] = (changed, chunks[-1][1], i2, chunks[-1][3], j2)
        else:
            chunks.append((changed, i1, i2, j1, j2))
    return chunks


def _opcodes(old: list[str], new: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes, after setting aside the tokens both lists start and end with. That is quick, and
    keeps a small edit in a long text small; difflib's heuristic for long lists (its "autojunk", which ignores
    the commonest tokens) is used only when what is left is long, so a short diff is exact but a long one quick."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    middle_old, middle_new = old[start : len(old) - end], new[start : len(new) - end]
    matcher = difflib.SequenceMatcher(
        None, middle_old, middle_new, autojunk=len(middle_old) * len(middle_new) > EXACT_DIFF_LIMIT
    )
    opcodes = [("equal", 0, start, 0, start)] if start else []
    opcodes += [(tag, i1 + start, i2 + start, j1 + start, j2 + start) for tag, i1, i2, j1, j2 in matcher.get_opcodes()]
    if end:
        opcodes.append(("equal", len(old) - end, len(old), len(new) - end, len(new)))
    return opcodes


def _shorten(text: str, first: bool, last: bool) -> SafeString:
    """Unchanged text, escaped, with the whole lines far from any change left out and counted."""
    lines = text.split("\n")
    keep = CONTEXT_LINES + 1  # the rest of the changed line, then CONTEXT_LINES whole lines
    head = [] if first else lines[:keep]
    tail = [] if last else lines[-keep:]
    skipped = len(lines) - len(head) - len(tail)
    if skipped < 3:
        return escape(text)
    gap = format_html('<span class="word-diff-skip">[{} unchanged lines]</span>', skipped)
    parts = [*([escape("\n".join(head))] if head else []), gap, *([escape("\n".join(tail))] if tail else [])]
    return mark_safe("\n".join(parts))  # every part escaped above


def compare(
    before: Mapping[str, Any], after: Mapping[str, Any], before_label: str, after_label: str
) -> list[FieldDiff]:
    """What changed between two sets of page values, field by field; empty when nothing did."""
    diffs = []
    for name in TEXT_FIELDS:
        old, new = str(before.get(name) or ""), str(after.get(name) or "")
        if old != new:
            diffs.append(FieldDiff(label=LABELS[name], table=diff_table(old, new, before_label, after_label)))
    for name in OTHER_FIELDS:
        if name in before and name in after and before[name] != after[name]:
            diffs.append(
                FieldDiff(label=LABELS[name], before=_display(name, before[name]), after=_display(name, after[name]))
            )
    return diffs


def restore(page: AdvicePage, version: Version, user: User) -> str:
    """Put back a revision's title, summary and body as a new revision; returns the change message."""
    values = version_values(version)
    for name in TEXT_FIELDS:
        setattr(page, name, values[name])
    if user.is_authenticated:
        page.last_edited_by = user  # type: ignore[assignment]
    message = f"Restored the title, summary and body from the {version_label(version)}."
    save_with_revision(page, page.version, user, message)
    return message
