"""Check every published page's external links now, as the weekly job does.

Prints one line per broken or redirected link (page, address, result). Exit status 1 if any link is broken.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from microcredentials.health import links
from microcredentials.models import LinkCheck


class Command(BaseCommand):
    help = "Check the external links of every published page; exit non-zero if any is broken."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = links.run_link_check()
        problems = LinkCheck.objects.exclude(status=LinkCheck.Status.OK).select_related("page")
        broken = 0
        for check in problems.order_by("page__title", "url"):
            label = "BROKEN" if check.status == LinkCheck.Status.BROKEN else "REDIRECTED"
            broken += check.status == LinkCheck.Status.BROKEN
            self.stdout.write(f"{label}: {check.page.title}: {check.url}: {check.describe()}")
        if broken:
            raise CommandError(summary, returncode=1)
        self.stdout.write(summary)
