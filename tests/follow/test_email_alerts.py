"""Email alerts for a page: double opt-in, an email for each major change, one-click unsubscribe, and forgetting.

Mail goes through the real background worker (run_worker) to a real SMTP server on 127.0.0.1 (smtp_server).
"""

import datetime
import json
import re
from collections.abc import Callable
from email.message import EmailMessage

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from microcredentials.follow.subscriptions import UNCONFIRMED_DAYS
from microcredentials.models import AdvicePage, Subscription
from tests.conftest import WORKER_DB, run_worker
from tests.editing.helpers import CONTENT_EDITORS, change_url, form_data, login, make_user

pytestmark = WORKER_DB
READER = "reader@example.org"


@pytest.fixture
def advice(make_page: Callable[..., AdvicePage]) -> AdvicePage:
    return make_page(title="Write a CV", status=AdvicePage.Status.PUBLISHED)


@pytest.fixture
def editor(db: None) -> User:
    return make_user("hemi", CONTENT_EDITORS)


def sign_up(page: AdvicePage, email: str = READER, client: Client | None = None) -> str:
    response = (client or Client()).post(f"/follow/{page.pk}/", {"email": email})
    assert response.status_code == 200, response.content.decode()
    return response.content.decode()


def header(message: EmailMessage, name: str) -> str:
    """A header's value; a long one is folded onto the next line, whose leading space mail readers drop."""
    return str(message[name]).strip()


def text_of(message: EmailMessage) -> str:
    return message.get_body().get_content().replace("\r\n", "\n")  # type: ignore[union-attr]


def link_in(message: EmailMessage, kind: str) -> str:
    found = re.search(rf"http://127\.0\.0\.1:8000(/follow/{kind}/[\w-]+/)", text_of(message))
    assert found, text_of(message)
    return found.group(1)


def confirmed_reader(page: AdvicePage, smtp_server: list[EmailMessage], email: str = READER) -> None:
    sign_up(page, email)
    run_worker()
    Client().post(link_in(smtp_server.pop(), "confirm"))


def publish_major_change(editor: User, page: AdvicePage, note: str) -> None:
    body = page.body + "\n\nThe fee is $200 from 2027.\n"
    response = login(Client(), editor).post(
        change_url(page), form_data(page, body=body, major_change="on", change_note=note)
    )
    assert response.status_code == 302, response.content.decode()


def test_the_page_offers_email_alerts_and_its_feeds(advice: AdvicePage) -> None:
    html = Client().get(advice.get_absolute_url()).content.decode()
    assert '<h2 id="follow-heading">Get emails when this page changes</h2>' in html
    assert f'action="/follow/{advice.pk}/"' in html
    assert '<label for="id_email">Email address</label>' in html
    page_feed = f'title="Changes to this page" href="{advice.get_absolute_url()}feed/"'
    assert f'rel="alternate" type="application/atom+xml" {page_feed}' in html
    assert (
        'rel="alternate" type="application/atom+xml" title="Page updates across the site" href="/updates.atom"' in html
    )


def test_signing_up_sends_a_confirmation_link_and_nothing_else_until_it_is_used(
    advice: AdvicePage, smtp_server: list[EmailMessage]
) -> None:
    html = sign_up(advice, " Reader@Example.org ")
    assert "Check your email" in html
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.confirmed_at) == (READER, None)

    run_worker()
    [message] = smtp_server
    assert message["To"] == READER
    assert header(message, "Subject") == "Confirm: emails when “Write a CV” changes"
    assert f"deleted in {UNCONFIRMED_DAYS} days" in text_of(message)
    confirm = link_in(message, "confirm")

    asked = Client().get(confirm)  # a mail scanner opening the link signs nobody up
    assert asked.status_code == 200
    assert '<button type="submit">Confirm</button>' in asked.content.decode()
    assert asked["X-Robots-Tag"] == "noindex"
    assert Subscription.objects.get().confirmed_at is None

    done = Client(enforce_csrf_checks=True).post(confirm, HTTP_ORIGIN="http://testserver")
    assert "You are signed up" in done.content.decode()
    assert Subscription.objects.get().confirmed_at is not None


def test_a_major_change_emails_confirmed_followers_with_a_one_click_unsubscribe(
    advice: AdvicePage, editor: User, smtp_server: list[EmailMessage]
) -> None:
    confirmed_reader(advice, smtp_server)
    sign_up(advice, "never-confirmed@example.org")
    run_worker()
    smtp_server.clear()

    publish_major_change(editor, advice, "The fee goes up to $200 from 2027.")
    run_worker()

    [message] = smtp_server
    assert message["To"] == READER
    assert header(message, "Subject") == "“Write a CV” has changed"
    text = text_of(message)
    assert "The fee goes up to $200 from 2027." in text
    assert f"http://127.0.0.1:8000{advice.get_absolute_url()}" in text
    unsubscribe = link_in(message, "unsubscribe")
    assert header(message, "List-Unsubscribe") == f"<http://127.0.0.1:8000{unsubscribe}>"
    assert header(message, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"

    # RFC 8058: the mail provider posts from its own servers, with no Origin and no CSRF token.
    one_click = Client(enforce_csrf_checks=True).post(
        unsubscribe, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert one_click.status_code == 200
    assert "We have deleted your email address." in one_click.content.decode()
    assert not Subscription.objects.filter(email=READER).exists()
    again = Client().post(unsubscribe)  # saying it twice is fine
    assert again.status_code == 200


def test_a_minor_change_emails_nobody(advice: AdvicePage, editor: User, smtp_server: list[EmailMessage]) -> None:
    confirmed_reader(advice, smtp_server)
    response = login(Client(), editor).post(change_url(advice), form_data(advice, summary="A tidier summary."))
    assert response.status_code == 302
    run_worker()
    assert smtp_server == []


def test_opening_the_unsubscribe_link_asks_first(advice: AdvicePage, smtp_server: list[EmailMessage]) -> None:
    sign_up(advice)
    token = Subscription.objects.get().token
    response = Client().get(f"/follow/unsubscribe/{token}/")
    assert '<button type="submit">Unsubscribe</button>' in response.content.decode()
    assert Subscription.objects.exists()


def test_an_address_never_confirmed_is_deleted_after_30_days(
    advice: AdvicePage, smtp_server: list[EmailMessage]
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        sign_up(advice, "waits@example.org")
        confirmed_reader(advice, smtp_server)
        clock.shift(datetime.timedelta(days=UNCONFIRMED_DAYS) - datetime.timedelta(minutes=1))
        run_worker()
        assert Subscription.objects.count() == 2
        clock.shift(datetime.timedelta(minutes=2))
        run_worker()
    assert list(Subscription.objects.values_list("email", flat=True)) == [READER]  # the confirmed one stays


def test_signing_up_again_never_floods_an_inbox_nor_says_who_is_signed_up(
    advice: AdvicePage, smtp_server: list[EmailMessage]
) -> None:
    confirmed_reader(advice, smtp_server)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert "Check your email" in sign_up(advice)  # already confirmed: the same answer, and no email
        sign_up(advice, "new@example.org")
        sign_up(advice, "new@example.org")  # the link again, so soon: not re-sent
        run_worker()
        assert [message["To"] for message in smtp_server] == ["new@example.org"]
        clock.shift(datetime.timedelta(days=1, minutes=1))
        sign_up(advice, "new@example.org")
        run_worker()
    assert [message["To"] for message in smtp_server] == ["new@example.org", "new@example.org"]


def test_a_confirmation_link_does_not_work_once_expired_or_for_a_page_taken_down(
    advice: AdvicePage, smtp_server: list[EmailMessage]
) -> None:
    sign_up(advice)
    token = Subscription.objects.get().token
    assert Client().get("/follow/confirm/not-a-token/").status_code == 404
    advice.status = AdvicePage.Status.DRAFT
    advice.save()
    response = Client().post(f"/follow/confirm/{token}/")
    assert response.status_code == 404
    assert "This link has expired or is not valid." in response.content.decode()
    assert Subscription.objects.get().confirmed_at is None


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("", "Enter your email address"),
        ("not-an-address", "Enter an email address in the right format, like name@example.com"),
        ("x" * 250 + "@example.org", "Ensure this value has at most 254 characters"),
    ],
)
def test_a_bad_address_is_refused_with_the_reason_and_kept_in_the_box(
    advice: AdvicePage, email: str, error: str
) -> None:
    response = Client().post(f"/follow/{advice.pk}/", {"email": email})
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    assert 'aria-invalid="true"' in html
    assert '<a href="#id_email">' in html  # the error summary leads to the box
    assert not Subscription.objects.exists()


def test_bots_floods_other_sites_and_missing_pages_are_refused(advice: AdvicePage) -> None:
    assert Client().post(f"/follow/{advice.pk}/", {"email": READER, "website": "spam"}).status_code == 400
    assert Client().post("/follow/999999/", {"email": READER}).status_code == 404
    assert Client().get(f"/follow/{advice.pk}/").status_code == 405
    cross_site = Client(enforce_csrf_checks=True).post(
        f"/follow/{advice.pk}/", {"email": READER}, HTTP_ORIGIN="https://elsewhere.example"
    )
    assert cross_site.status_code == 403
    assert not Subscription.objects.exists()
    for number in range(10):
        sign_up(advice, f"person{number}@example.org")
    flood = Client().post(f"/follow/{advice.pk}/", {"email": "one-more@example.org"})
    assert flood.status_code == 429
    assert Subscription.objects.count() == 10


def test_the_privacy_statement_says_how_addresses_are_kept(shipped_content: AdvicePage) -> None:
    html = Client().get("/about-this-site/privacy/").content.decode()
    assert "Emails when a page changes" in html
    assert "If you do not confirm within 30 days, we delete your address." in html
    assert "When you use it, we delete your address at once." in html


def test_the_queue_holds_no_address_and_an_unsubscribe_stops_what_was_queued(
    advice: AdvicePage, editor: User, smtp_server: list[EmailMessage]
) -> None:
    confirmed_reader(advice, smtp_server)
    publish_major_change(editor, advice, "The fee goes up to $200 from 2027.")
    run_worker()  # tell_followers queues the email, by the subscription's id
    queued = list(DBTaskResult.objects.values_list("args_kwargs", flat=True))
    assert READER not in json.dumps(queued)
    smtp_server.clear()

    publish_major_change(editor, AdvicePage.objects.get(pk=advice.pk), "Another change.")
    Client().post(f"/follow/unsubscribe/{Subscription.objects.get().token}/")
    run_worker()
    assert smtp_server == []
