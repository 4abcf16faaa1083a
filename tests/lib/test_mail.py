"""Mail goes through the real background worker, and a mail server that is down is tried again later, then given up."""

from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import time_machine
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from microcredentials.lib.mail import RETRY_DELAYS, queue_email
from tests.conftest import WORKER_DB, run_worker
from tests.services import free_port

pytestmark = WORKER_DB


def test_a_queued_message_is_sent_by_the_worker_with_its_headers(smtp_server: list[EmailMessage]) -> None:
    queue_email("Kia ora", "The page changed.", ["reader@example.org"], {"List-Unsubscribe": "<https://x.test/u>"})
    assert smtp_server == []  # nothing is sent until the worker runs
    run_worker()
    [message] = smtp_server
    assert message["To"] == "reader@example.org"
    assert message["List-Unsubscribe"] == "<https://x.test/u>"


def test_a_mail_server_that_stays_down_is_tried_at_each_delay_then_given_up(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    queue_email("Kia ora", "The page changed.", ["reader@example.org"])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for delay in RETRY_DELAYS:
            run_worker()
            clock.shift(delay + timedelta(seconds=1))
        run_worker()
    statuses = list(DBTaskResult.objects.order_by("enqueued_at").values_list("status", flat=True))
    assert statuses == [TaskResultStatus.SUCCESSFUL] * len(RETRY_DELAYS) + [TaskResultStatus.FAILED]
