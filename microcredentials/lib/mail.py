"""Email, sent by the background worker and never during a request.

`queue_email` adds one row to the task queue inside the caller's transaction, so a message about a change that was
rolled back is never sent, and a mail server that is down or slow never holds up a page. When the mail server cannot
take a message, the worker tries again later, waiting longer each time, and gives up after the last delay.
"""

import logging
import smtplib
from collections.abc import Iterable
from datetime import timedelta

from django.core.mail import EmailMessage
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))


@task()
def send_email(subject: str, body: str, to: list[str], headers: dict[str, str], attempt: int = 1) -> None:
    """Send one plain-text message; on a mail-server failure, queue the next attempt (and log no address)."""
    try:
        EmailMessage(subject, body, to=to, headers=headers).send()
    except (OSError, smtplib.SMTPException):
        if attempt > len(RETRY_DELAYS):
            raise
        delay = RETRY_DELAYS[attempt - 1]
        logger.warning("The mail server could not take a message (attempt %d); trying again in %s", attempt, delay)
        send_email.using(run_after=timezone.now() + delay).enqueue(subject, body, to, headers, attempt + 1)


def queue_email(subject: str, body: str, to: Iterable[str], headers: dict[str, str] | None = None) -> None:
    """Queue a message for the worker, in the current transaction."""
    send_email.enqueue(subject, body, list(to), headers or {})
