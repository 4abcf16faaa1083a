"""Run the editors' content checks over every page, so CI can hold content/ to the same standard.

Exit status: 0 when no page has a warning, 1 when any does, 2 when the content files cannot be read.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from microcredentials.models import AdvicePage
from microcredentials.pages.content_checks import check_page
from microcredentials.pages.content_files import ContentError, read_pages, read_topics

PageText = tuple[str, str, str, str]  # where, title, summary, body


class Command(BaseCommand):
    help = "Check advice pages (in the database, or the files in --content-dir) and exit non-zero on warnings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--content-dir", type=Path, help="Check the Markdown files here instead of the database.")
        parser.add_argument("--notes", action="store_true", help="Also show each page's readability and length.")

    def handle(self, *args: Any, content_dir: Path | None, notes: bool, **options: Any) -> None:
        pages = list(_file_pages(content_dir) if content_dir else _database_pages())
        warned = 0
        for where, title, summary, body in pages:
            report = check_page(title, summary, body)
            warned += bool(report.warnings)
            for warning in report.warnings:
                self.stdout.write(f"{where}: {warning}")
            if notes:
                self.stdout.write(f"{where}: {' '.join(report.notes)}")
        if warned:
            raise CommandError(f"{warned} of {len(pages)} page(s) have content warnings.", returncode=1)
        self.stdout.write(f"Checked {len(pages)} page(s): no warnings.")


def _database_pages() -> Iterator[PageText]:
    for page in AdvicePage.objects.select_related("topic").only("title", "summary", "body", "slug", "topic__slug"):
        yield page.get_absolute_url(), page.title, page.summary, page.body


def _file_pages(content_dir: Path) -> Iterator[PageText]:
    try:
        topics = read_topics(content_dir)
        pages = read_pages(content_dir, {topic["slug"] for topic in topics})
    except (ContentError, OSError) as error:
        raise CommandError(str(error), returncode=2) from error
    for page in pages:
        yield str(page.path), page.fields["title"], page.fields["summary"], page.fields["body"]
