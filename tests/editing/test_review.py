"""With DJANGO_REQUIRE_REVIEW on, a change goes live only once a reviewer who did not make it approves it."""

from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from microcredentials.models import AdvicePage, PageDraft
from tests.conftest import WORKER_DB, run_worker
from tests.editing.helpers import CONTENT_EDITORS, change_url, form_data, login, make_user
from tests.services import free_port

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("review_required")]
NEW_BODY = "## Fees\n\nThe fee is $200 from 2027.\n"


@pytest.fixture
def review_required() -> object:
    with override_settings(REQUIRE_REVIEW=True):
        yield


@pytest.fixture
def live_page(make_page: Callable[..., AdvicePage]) -> AdvicePage:
    return make_page(body="## Fees\n\nThe fee is $150.\n")


@pytest.fixture
def author(db: None) -> User:
    user = make_user("aroha", CONTENT_EDITORS, full_name="Aroha Ngata")
    user.email = "aroha@example.govt.nz"
    user.save()
    return user


@pytest.fixture
def reviewer(db: None) -> User:
    return make_user("mere", "Reviewers", full_name="Mere Parata")


def submit(client: Client, page: AdvicePage) -> None:
    response = client.post(change_url(page), form_data(page, body=NEW_BODY, _submit_review="Submit for review"))
    assert response.status_code == 302


def test_an_editor_cannot_publish_and_submits_for_review_instead(
    client: Client, author: User, live_page: AdvicePage
) -> None:
    login(client, author)
    refused = client.post(change_url(live_page), form_data(live_page, body=NEW_BODY, _publish="Publish"))
    assert refused.status_code == 200
    assert "Publishing needs a reviewer" in refused.content.decode()
    submit(client, live_page)
    draft = PageDraft.objects.get(page=live_page)
    assert (draft.submitted_by, draft.body) == (author, NEW_BODY)
    assert "$150" in Client().get(live_page.get_absolute_url()).content.decode()  # still the live version


def test_a_reviewer_publishes_another_editor_s_change(author: User, reviewer: User, live_page: AdvicePage) -> None:
    submit(login(Client(), author), live_page)
    live_page.refresh_from_db()
    approver = login(Client(), reviewer)
    form = approver.get(change_url(live_page)).content.decode()
    assert 'name="_send_back"' in form and "Submitted for review by Aroha Ngata" in form
    response = approver.post(change_url(live_page), form_data(live_page, body=NEW_BODY, _publish="Publish"))
    assert response.status_code == 302
    assert "$200 from 2027" in Client().get(live_page.get_absolute_url()).content.decode()
    messages = [entry.get_change_message() for entry in LogEntry.objects.order_by("pk")]
    assert messages[0] == "Submitted for review (changed Body)."
    assert "Approved the change submitted by Aroha Ngata." in messages[-1]


def test_nobody_approves_their_own_change(live_page: AdvicePage, reviewer: User) -> None:
    client = login(Client(), reviewer)
    submit(client, live_page)
    live_page.refresh_from_db()
    refused = client.post(change_url(live_page), form_data(live_page, body=NEW_BODY, _publish="Publish"))
    assert refused.status_code == 200
    assert "You made this change, so another reviewer must approve it." in refused.content.decode()
    assert "$150" in Client().get(live_page.get_absolute_url()).content.decode()


def test_a_reviewer_who_edits_the_text_needs_another_reviewer(
    author: User, reviewer: User, live_page: AdvicePage
) -> None:
    submit(login(Client(), author), live_page)
    live_page.refresh_from_db()
    changed = form_data(live_page, body=NEW_BODY + "\nAnd more.\n", _publish="Publish")
    refused = login(Client(), reviewer).post(change_url(live_page), changed)
    assert "You changed the text under review" in refused.content.decode()


def test_sending_back_needs_a_comment_and_the_author_sees_it(
    author: User, reviewer: User, live_page: AdvicePage
) -> None:
    submit(login(Client(), author), live_page)
    live_page.refresh_from_db()
    approver = login(Client(), reviewer)
    no_comment = approver.post(change_url(live_page), form_data(live_page, body=NEW_BODY, _send_back="Send back"))
    assert "Say what the author should change" in no_comment.content.decode()
    approver.post(
        change_url(live_page),
        form_data(live_page, body=NEW_BODY, _send_back="Send back", review_comment="Give the source of the fee."),
    )
    draft = PageDraft.objects.get(page=live_page)
    assert (draft.submitted_at, draft.returned_by, draft.review_comment) == (
        None,
        reviewer,
        "Give the source of the fee.",
    )
    seen_by_author = login(Client(), author).get(change_url(live_page)).content.decode()
    assert "Sent back by Mere Parata" in seen_by_author and "Give the source of the fee." in seen_by_author
    entry = LogEntry.objects.latest("pk")
    assert entry.get_change_message() == "Sent back to Aroha Ngata for changes: Give the source of the fee."


def test_plain_save_never_publishes_when_review_is_required(
    client: Client, author: User, live_page: AdvicePage
) -> None:
    login(client, author).post(change_url(live_page), form_data(live_page, body=NEW_BODY))
    assert "$150" in Client().get(live_page.get_absolute_url()).content.decode()
    assert PageDraft.objects.get(page=live_page).body == NEW_BODY


# The author hears the outcome by email: the save queues it, the real background worker sends it, and a real SMTP
# server on 127.0.0.1 receives it.
def reviewed(author: User, reviewer: User, page: AdvicePage, **action: str) -> Any:
    """The author submits NEW_BODY for review, the reviewer presses `action`, and the worker runs; the response."""
    submit(login(Client(), author), page)
    page.refresh_from_db()
    response = login(Client(), reviewer).post(change_url(page), form_data(page, body=NEW_BODY, **action), follow=True)
    run_worker()
    return response


def email_text(message: EmailMessage) -> str:
    return message.get_body().get_content().replace("\r\n", "\n")  # type: ignore[union-attr]


@WORKER_DB
def test_the_author_is_emailed_when_a_reviewer_publishes_their_change(
    author: User,
    reviewer: User,
    live_page: AdvicePage,
    smtp_server: list[EmailMessage],
) -> None:
    reviewed(author, reviewer, live_page, _publish="Publish")

    [message] = smtp_server
    assert message["To"] == "aroha@example.govt.nz"
    assert message["Subject"] == "Your change to “Write a CV”"
    text = email_text(message)
    assert text.startswith("Kia ora Aroha,")
    assert "Mere Parata approved your change and published it. Readers see it now." in text
    assert f"http://testserver{change_url(live_page)}" in text


@WORKER_DB
def test_the_author_is_emailed_the_comment_when_a_change_is_sent_back(
    author: User,
    reviewer: User,
    live_page: AdvicePage,
    smtp_server: list[EmailMessage],
) -> None:
    reviewed(author, reviewer, live_page, _send_back="Send back", review_comment="Give the source of the fee.")

    [message] = smtp_server
    text = email_text(message)
    assert "Mere Parata sent your change back with this comment:\n\nGive the source of the fee." in text


@WORKER_DB
def test_an_author_without_an_email_address_is_not_emailed_and_the_reviewer_is_told(
    author: User,
    reviewer: User,
    live_page: AdvicePage,
    smtp_server: list[EmailMessage],
) -> None:
    author.email = ""
    author.save()
    response = reviewed(author, reviewer, live_page, _publish="Publish")
    assert "Aroha Ngata has no email address, so they will see this in the admin only." in response.content.decode()
    assert smtp_server == []


@WORKER_DB
def test_a_mail_server_that_is_down_never_fails_the_publish_and_the_email_is_tried_again_later(
    author: User, reviewer: User, live_page: AdvicePage, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    response = reviewed(author, reviewer, live_page, _publish="Publish")
    assert response.status_code == 200
    assert "$200 from 2027" in Client().get(live_page.get_absolute_url()).content.decode()
    [retry] = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert retry.args_kwargs["args"][4] == 2  # the second attempt, queued for later
    assert retry.run_after > timezone.now()
