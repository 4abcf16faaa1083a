"""Previews show the draft: to staff in a new tab, and by an expiring, revocable link to anyone."""

import datetime
import re
from collections.abc import Callable

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from microcredentials.models import AdvicePage, PreviewLink
from tests.editing.helpers import ADMIN_PAGES, CONTENT_EDITORS, change_url, form_data, login, make_user

pytestmark = pytest.mark.django_db
DRAFT_BODY = "## Fees\n\nA draft nobody has published.\n"


@pytest.fixture
def editor(db: None) -> User:
    return make_user("aroha", CONTENT_EDITORS)


@pytest.fixture
def drafted(client: Client, editor: User, make_page: Callable[..., AdvicePage]) -> AdvicePage:
    page = make_page()
    login(client, editor).post(change_url(page), form_data(page, body=DRAFT_BODY, _save_draft="1"))
    page.refresh_from_db()
    return page


def share(client: Client, page: AdvicePage) -> str:
    response = client.post(f"{ADMIN_PAGES}{page.pk}/preview-links/", follow=True)
    match = re.search(r"http://testserver(/preview/[^/\s<]+/)", response.content.decode())
    assert match, "no link in the message"
    return match[1]


def test_preview_saves_a_draft_and_shows_it_with_a_banner_and_a_way_back(
    client: Client, editor: User, make_page: Callable[..., AdvicePage]
) -> None:
    page = make_page()
    login(client, editor)
    response = client.post(change_url(page), form_data(page, body=DRAFT_BODY, _preview="Preview"), follow=True)
    html = response.content.decode()
    assert "A draft nobody has published." in html
    assert "Preview: not published." in html
    assert f'href="{change_url(page)}"' in html
    assert {"private", "no-store"} <= set(response["Cache-Control"].replace(" ", "").split(","))
    assert "A draft nobody has published." not in Client().get(page.get_absolute_url()).content.decode()


def test_a_shared_link_shows_the_draft_to_someone_without_an_account(client: Client, drafted: AdvicePage) -> None:
    path = share(client, drafted)
    response = Client().get(path)
    html = response.content.decode()
    assert response.status_code == 200
    assert "A draft nobody has published." in html and "Preview: not published." in html
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in html


def test_a_shared_link_expires_after_seven_days(client: Client, drafted: AdvicePage) -> None:
    path = share(client, drafted)
    with time_machine.travel(datetime.timedelta(days=7, seconds=1)):
        response = Client().get(path)
    assert response.status_code == 410
    assert "expired or was withdrawn" in response.content.decode()


def test_a_revoked_link_answers_410(client: Client, drafted: AdvicePage) -> None:
    path = share(client, drafted)
    link = PreviewLink.objects.get()
    client.post(f"{ADMIN_PAGES}{drafted.pk}/preview-links/{link.pk}/revoke/")
    assert Client().get(path).status_code == 410


def test_a_made_up_token_is_not_found(db: None) -> None:
    assert Client().get("/preview/not-a-real-token/").status_code == 404


def test_sharing_and_revoking_need_post(client: Client, drafted: AdvicePage) -> None:
    assert client.get(f"{ADMIN_PAGES}{drafted.pk}/preview-links/").status_code == 405
