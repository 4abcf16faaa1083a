"""Rebuild the search index for every advice page (see microcredentials.search.query.rebuild_index)."""

from typing import Any

from django.core.management.base import BaseCommand

from microcredentials.search.query import rebuild_index


class Command(BaseCommand):
    help = "Index every advice page afresh for search, after text changed without a save."

    def handle(self, *args: Any, **options: Any) -> None:
        count = rebuild_index()
        self.stdout.write(f"Search index rebuilt for {count} page{'s' if count != 1 else ''}.")
