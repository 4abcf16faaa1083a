"""Telling an author by email what became of the change they submitted for review.

Sent once the save has committed, so an author never hears of a change that was rolled back. A mail server
that is down or slow (EMAIL_TIMEOUT) never fails the reviewer's save: they are told the author was not emailed.
"""

import logging
import smtplib

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from microcredentials.editing.revisions import user_name
from microcredentials.models import AdvicePage

logger = logging.getLogger(__name__)


def tell_author_after_commit(request: HttpRequest, page: AdvicePage, author: User | None, outcome: str) -> None:
    """Email `author` that `outcome` happened to their change to `page`, once the save has committed."""
    if author is None or author == request.user:
        return
    if not author.email:
        messages.info(request, f"{user_name(author)} has no email address, so they will see this in the admin only.")
        return
    editor_url = request.build_absolute_uri(reverse("admin:microcredentials_advicepage_change", args=[page.pk]))
    greeting = f"Kia ora {author.first_name}," if author.first_name else "Kia ora,"
    body = f"{greeting}\n\n{outcome}\n\nOpen the page in the editor:\n{editor_url}\n"
    subject = f"Your change to “{page.title}”"

    def send() -> None:
        try:
            send_mail(subject, body, None, [author.email])
        except (OSError, smtplib.SMTPException):
            logger.exception("Could not email %s about %s", author.email, page.title)
            # The response's messages are stored after the view returns, so this still reaches the reviewer.
            messages.warning(
                request, f"{user_name(author)} could not be emailed just now; they will see this in the admin."
            )

    transaction.on_commit(send)
