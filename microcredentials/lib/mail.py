"""Email, sent by the background worker and never during a request.

`queue_email` adds one row to the task queue inside the caller's transaction, so a message about a change that was
rolled back is never sent, and a mail server that is down or slow never holds up a page. When the mail server cannot
take a message, the worker tries again later, waiting longer each time, and gives up after the last delay.
"""

import datetime
import logging
import smtplib
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.core.mail import EmailMessage
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))


def deliver(message: EmailMessage, attempt: int, retry: Callable[[datetime.datetime], object]) -> None:
    """Send `message`; if the mail server cannot take it, call `retry` with when to try again (or give up)."""
    try:
        message.send()
    except (OSError, smtplib.SMTPException):
        if attempt > len(RETRY_DELAYS):
            raise
        delay = RETRY_DELAYS[attempt - 1]
        logger.warning("The mail server could not take a message (attempt %d); trying again in %s", attempt, delay)
        retry(timezone.now() + delay)


@task()
def send_email(subject: str, body: str, to: list[str], headers: dict[str, str], attempt: int = 1) -> None:
    """Send one plain-text message (and log no address)."""
    deliver(
        EmailMessage(subject, body, to=to, headers=headers),
        attempt,
        lambda when: send_email.using(run_after=when).enqueue(subject, body, to, headers, attempt + 1),
    )


def queue_email(subject: str, body: str, to: Iterable[str], headers: dict[str, str] | None = None) -> None:
    """Queue a message for the worker, in the current transaction. The queue keeps its arguments, addresses
    included, until finished tasks are pruned: a reader's address goes by id instead (see follow/)."""
    send_email.enqueue(subject, body, list(to), headers or {})
