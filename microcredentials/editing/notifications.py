"""Telling an author by email what became of the change they submitted for review.

The message is queued in the save's own transaction and sent by the background worker (microcredentials/lib/mail.py),
so an author never hears of a change that was rolled back, and a mail server that is down never slows the reviewer.
"""

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.urls import reverse

from microcredentials.editing.revisions import user_name
from microcredentials.lib.mail import queue_email
from microcredentials.models import AdvicePage


def tell_author(request: HttpRequest, page: AdvicePage, author: User | None, outcome: str) -> None:
    """Queue an email telling `author` that `outcome` happened to their change to `page`."""
    if author is None or author == request.user:
        return
    if not author.email:
        messages.info(request, f"{user_name(author)} has no email address, so they will see this in the admin only.")
        return
    editor_url = request.build_absolute_uri(reverse("admin:microcredentials_advicepage_change", args=[page.pk]))
    greeting = f"Kia ora {author.first_name}," if author.first_name else "Kia ora,"
    body = f"{greeting}\n\n{outcome}\n\nOpen the page in the editor:\n{editor_url}\n"
    queue_email(f"Your change to “{page.title}”", body, [author.email])
