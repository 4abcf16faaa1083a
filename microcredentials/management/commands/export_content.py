"""Write the database's topics and advice pages back to content/, so changes can be reviewed in git."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from microcredentials.models import AdvicePage, Topic
from microcredentials.pages.content_files import page_path, page_to_text, text_hash, topics_to_text


class Command(BaseCommand):
    help = "Export topics and advice pages to content/ in the same format load_content reads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--content-dir", type=Path, default=settings.BASE_DIR / "content")

    def handle(self, *args: Any, content_dir: Path, **options: Any) -> None:
        written = _write_if_changed(content_dir / "topics.yaml", topics_to_text(list(Topic.objects.all())))
        for page in AdvicePage.objects.select_related("topic"):
            text = page_to_text(page)
            written += _write_if_changed(page_path(content_dir, page), text)
            # The file now matches the database, so a later load sees no conflict.
            AdvicePage.objects.filter(pk=page.pk).update(loaded_source_hash=text_hash(text))
        self.stdout.write(f"Exported to {content_dir}: {written} file(s) changed.")


def _write_if_changed(path: Path, text: str) -> int:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return 1
