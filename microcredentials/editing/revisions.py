"""Page revisions, stored by django-reversion: record, list, compare and restore.

Every save through the admin records a revision with the editor and a comment. A page that
was loaded from content/ gets a first revision of its state before its first admin edit,
so that edit can be compared and undone too.
"""

import datetime
import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import reversion
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Cast, Coalesce
from django.utils.html import escape
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


@dataclass(frozen=True)
class FieldDiff:
    label: str
    table: SafeString | None = None  # a difflib table for text fields
    before: str = ""
    after: str = ""


def user_name(user: Any) -> str:
    if user is None:
        return "no one recorded"
    return user.get_full_name() or user.get_username()


def page_versions(page: AdvicePage) -> list[Version]:
    """The page's revisions, newest first."""
    return list(Version.objects.get_for_object(page).select_related("revision__user"))


def version_label(version: Version) -> str:
    """E.g. "revision of 29 Aug 2023, 3.05pm by editor", to follow "the" in a sentence."""
    return f"revision of {format_when(version.revision.date_created)} by {user_name(version.revision.user)}"


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
        reversion.set_comment("The page as it was before its first edit in the admin.")
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
    """A side-by-side table of changed lines. difflib escapes the text; the labels are escaped here."""
    table = difflib.HtmlDiff(wrapcolumn=70).make_table(
        before.splitlines(), after.splitlines(), escape(before_label), escape(after_label), context=True, numlines=2
    )
    return mark_safe(table)  # built by difflib from escaped text


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
