"""Load content/ into the database, idempotently and without trampling editors' work."""

from pathlib import Path
from typing import Any

import reversion
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from microcredentials.editing.revisions import load_comment, record_baseline
from microcredentials.models import AdvicePage, Topic
from microcredentials.pages.content_files import (
    ContentError,
    PageData,
    page_to_text,
    read_pages,
    read_topics,
    text_hash,
)


class Command(BaseCommand):
    help = "Load topics and advice pages from content/. Pages edited in the admin are left alone unless --force."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--content-dir", type=Path, default=settings.BASE_DIR / "content")
        parser.add_argument("--force", action="store_true", help="Overwrite pages edited in the admin.")

    def handle(self, *args: Any, content_dir: Path, force: bool, **options: Any) -> None:
        # Read and check every file before touching the database.
        try:
            topics = read_topics(content_dir)
            pages = read_pages(content_dir, {topic["slug"] for topic in topics})
        except ContentError as error:
            raise CommandError(str(error)) from error
        self.conflicts = self.kept = 0
        self.content_dir = content_dir  # the revision comments name the files inside it
        with transaction.atomic():
            changes = [self._load_topic(topic) for topic in topics]
            changes += [self._load_page(page, force) for page in pages]
        changed = [change for change in changes if change]
        for line in changed:
            self.stdout.write(line)
        if self.kept:
            self.stdout.write(
                f"Kept {self.kept} page(s) edited in the admin since content/ last changed; "
                "export_content writes them to content/."
            )
        if self.conflicts:
            self.stdout.write(f"Left {self.conflicts} page(s) alone because of conflicts (see above).")
        if not changed and not self.kept and not self.conflicts:
            self.stdout.write("Nothing to change: the database already matches content/.")

    def _load_topic(self, data: dict[str, Any]) -> str:
        values = {
            "title": data["title"],
            "summary": data.get("summary", ""),
            "order": data.get("order", 0),
            "on_home_page": data.get("on_home_page", True),
        }
        topic, created = Topic.objects.get_or_create(slug=data["slug"], defaults=values)
        if created:
            return f"Added topic {topic.slug}."
        if all(getattr(topic, key) == value for key, value in values.items()):
            return ""
        Topic.objects.filter(pk=topic.pk).update(**values)
        return f"Updated topic {topic.slug}."

    def _load_page(self, data: PageData, force: bool) -> str:
        topic = Topic.objects.get(slug=data.topic_slug)
        page = AdvicePage.objects.filter(topic=topic, slug=data.slug).select_related("topic").first()
        te_reo = self._te_reo_version(data, page)
        wanted = page_to_text(data.build(topic, te_reo))
        if page is None:
            self._apply(AdvicePage(topic=topic, slug=data.slug), data, te_reo)
            return f"Added page {data.path}."
        current = page_to_text(page)
        if current == wanted:
            return ""
        file_unchanged = text_hash(wanted) == page.loaded_source_hash
        edited_in_admin = text_hash(current) != page.loaded_source_hash
        if file_unchanged and not force:
            self.kept += 1  # only the admin copy changed since the last load: it is the newer one
            return ""
        if edited_in_admin and not force:
            self.conflicts += 1
            self.stderr.write(
                f"Conflict: {page.get_absolute_url()} was edited in the admin since it was last loaded; "
                f"left it alone. Export it first, or use --force to overwrite it with {data.path}."
            )
            return ""
        self._apply(page, data, te_reo)
        return f"Updated page {data.path}."

    def _te_reo_version(self, data: PageData, page: AdvicePage | None) -> AdvicePage | None:
        """The page the file names as its te reo Māori version: loaded already, as read_pages puts it first."""
        if data.te_reo_version is None:
            return None
        topic_slug, slug = data.te_reo_version.split("/")
        other = AdvicePage.objects.select_related("topic").get(topic__slug=topic_slug, slug=slug)
        named_by = AdvicePage.objects.filter(te_reo_version=other).exclude(pk=page.pk if page else 0).first()
        if named_by is not None:
            raise CommandError(
                f"{data.path}: {named_by.get_absolute_url()} already names {data.te_reo_version} as its te reo "
                "Māori version (it was set in the admin). Remove it there, or from this file."
            )
        return other

    def _apply(self, page: AdvicePage, data: PageData, te_reo: AdvicePage | None) -> None:
        if page.pk:
            record_baseline(page.pk)  # a page loaded before loads were recorded keeps its old text as a revision
        for key, value in data.fields.items():
            setattr(page, key, value)
        page.te_reo_version = te_reo
        page.loaded_source_hash = text_hash(page_to_text(page))
        if page.pk:
            # A new version, so an editor with the old text open gets a conflict instead of overwriting this load.
            page.version += 1
        with reversion.create_revision():  # the History page shows the load, and it can be compared and undone
            reversion.set_comment(load_comment(data.path.relative_to(self.content_dir).as_posix()))
            page.save()
            reversion.add_to_revision(page)
