"""Queue the weekly review digests now, to each owner of a page due for review (the worker sends them)."""

from typing import Any

from django.core.management.base import BaseCommand

from microcredentials.health import reminders


class Command(BaseCommand):
    help = "Queue a review digest to each owner of a page due for review within 14 days, or overdue."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(reminders.send_review_digests())
