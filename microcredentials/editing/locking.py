"""No lost edits: a page is saved only if nobody else saved it since the editor opened it.

Each save claims the next version number with one conditional UPDATE, so of two concurrent
saves from the same version exactly one wins, on PostgreSQL (row lock) and SQLite (database lock).
"""

from django.db import transaction
from django.db.models import F

from microcredentials.models import AdvicePage


class EditConflict(Exception):
    """Someone else saved the page after the editor opened it."""


def save_page(page: AdvicePage, expected_version: int | None) -> None:
    """Save `page` and move it to the next version; raise EditConflict if the stored version is not `expected`.

    A new page (no primary key yet) starts at version 1 and needs no expected version.
    """
    if page.pk is None:
        page.version = 1
        page.save()
        return
    if expected_version is None:
        raise EditConflict("No version given for an existing page.")
    with transaction.atomic():
        claimed = AdvicePage.objects.filter(pk=page.pk, version=expected_version).update(version=F("version") + 1)
        if not claimed:
            raise EditConflict(f"Page {page.pk} is no longer at version {expected_version}.")
        page.version = expected_version + 1
        page.save()
