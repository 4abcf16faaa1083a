"""Unpublishing is an explicit action whose confirmation says what readers will get instead."""

from collections.abc import Callable

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client

from microcredentials.models import AdvicePage, Redirect
from tests.editing.helpers import ADMIN_PAGES, CONTACT_CENTRE, CONTENT_EDITORS, change_url, login, make_user


@pytest.fixture
def editor(db: None) -> User:
    return make_user("editor", CONTENT_EDITORS)


@pytest.fixture
def cv_page(make_page: Callable[..., AdvicePage]) -> AdvicePage:
    return make_page(title="Write a CV", slug="write-a-cv")


@pytest.fixture
def linking_page(make_page: Callable[..., AdvicePage], cv_page: AdvicePage) -> AdvicePage:
    body = f"## Next\n\nRead [how to write a CV]({cv_page.get_absolute_url()}) first.\n"
    return make_page(title="Apply for a job", slug="apply", body=body)


def unpublish_url(page: AdvicePage) -> str:
    return f"{ADMIN_PAGES}{page.pk}/unpublish/"


@pytest.mark.django_db
def test_the_confirmation_says_what_readers_get_and_which_pages_link_there(
    client: Client, editor: User, cv_page: AdvicePage, linking_page: AdvicePage
) -> None:
    html = login(client, editor).get(unpublish_url(cv_page)).content.decode()

    assert "<h1>Unpublish “Write a CV”?</h1>" in html
    assert cv_page.get_absolute_url() in html
    assert "“Page not found”, which offers the site search and the home page" in html
    assert f"Send them to “Apply for a job” ({linking_page.get_absolute_url()})" in html
    assert f'href="{change_url(linking_page)}">Apply for a job</a>' in html  # its link will need updating
    assert f'href="{change_url(cv_page)}" class="closelink">Cancel: keep it live</a>' in html
    assert Client().get(cv_page.get_absolute_url()).status_code == 200  # nothing happens until confirmed


@pytest.mark.django_db
def test_confirming_takes_the_page_down_and_logs_it(client: Client, editor: User, cv_page: AdvicePage) -> None:
    response = login(client, editor).post(unpublish_url(cv_page), {"confirmed": "True", "send_readers_to": ""})

    assert response.status_code == 302
    assert response["Location"] == change_url(cv_page)
    assert Client().get(cv_page.get_absolute_url()).status_code == 404
    cv_page.refresh_from_db()
    assert (cv_page.status, cv_page.live_since) == (AdvicePage.Status.DRAFT, None)
    entry = LogEntry.objects.get(object_id=str(cv_page.pk))
    assert entry.get_change_message() == "Unpublished, now a draft (with the “Unpublish” action)."


@pytest.mark.django_db
def test_readers_can_be_sent_to_another_page_old_addresses_included(
    client: Client, editor: User, cv_page: AdvicePage, linking_page: AdvicePage
) -> None:
    Redirect.objects.create(old_path="/find-a-job/cv/", page=cv_page)
    old_address = cv_page.get_absolute_url()

    login(client, editor).post(unpublish_url(cv_page), {"confirmed": "True", "send_readers_to": linking_page.pk})

    reader = Client()
    for address in (old_address, "/find-a-job/cv/"):
        response = reader.get(address)
        assert (response.status_code, response["Location"]) == (301, linking_page.get_absolute_url()), address
    message = LogEntry.objects.get(object_id=str(cv_page.pk)).get_change_message()
    assert message.endswith(f"Readers of {old_address} are sent to {linking_page.get_absolute_url()}.")


@pytest.mark.django_db
def test_publishing_again_brings_the_page_back_at_its_own_address(
    client: Client, editor: User, cv_page: AdvicePage, linking_page: AdvicePage
) -> None:
    login(client, editor).post(unpublish_url(cv_page), {"confirmed": "True", "send_readers_to": linking_page.pk})
    client.post(ADMIN_PAGES, {"action": "publish_selected", "_selected_action": [cv_page.pk]})

    assert Client().get(cv_page.get_absolute_url()).status_code == 200  # a redirect never shadows a live page


@pytest.mark.django_db
def test_a_target_that_is_not_a_live_page_is_refused_and_nothing_changes(
    client: Client, editor: User, cv_page: AdvicePage, make_page: Callable[..., AdvicePage]
) -> None:
    draft = make_page(slug="draft", status=AdvicePage.Status.DRAFT)
    for target in (str(draft.pk), "abc", str(cv_page.pk)):
        response = login(client, editor).post(unpublish_url(cv_page), {"confirmed": "True", "send_readers_to": target})
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    cv_page.refresh_from_db()
    assert cv_page.status == AdvicePage.Status.PUBLISHED


@pytest.mark.django_db
def test_the_list_action_asks_first_then_unpublishes_every_page_selected(
    client: Client, editor: User, cv_page: AdvicePage, linking_page: AdvicePage
) -> None:
    selection = {"action": "unpublish_selected", "_selected_action": [cv_page.pk, linking_page.pk]}
    html = login(client, editor).post(ADMIN_PAGES, selection).content.decode()
    assert "<h1>Unpublish 2 pages?</h1>" in html
    assert f'<input type="hidden" name="_selected_action" value="{linking_page.pk}">' in html
    assert AdvicePage.objects.live().count() == 2

    response = client.post(ADMIN_PAGES, selection | {"confirmed": "True", "send_readers_to": ""}, follow=True)
    assert "Unpublished 2 pages." in response.content.decode()
    assert AdvicePage.objects.live().count() == 0


@pytest.mark.django_db
def test_only_a_published_page_offers_unpublishing(
    client: Client, editor: User, cv_page: AdvicePage, make_page: Callable[..., AdvicePage]
) -> None:
    draft = make_page(slug="draft", status=AdvicePage.Status.DRAFT)
    login(client, editor)
    assert f'href="{unpublish_url(cv_page)}"' in client.get(change_url(cv_page)).content.decode()
    assert "unpublish/" not in client.get(change_url(draft)).content.decode()
    html = client.get(unpublish_url(draft)).content.decode()
    assert "Nothing to unpublish: these pages are not published." in html
    assert 'name="confirmed"' not in html


@pytest.mark.django_db
def test_staff_who_cannot_change_pages_cannot_unpublish(client: Client, cv_page: AdvicePage) -> None:
    login(client, make_user("contact", CONTACT_CENTRE))
    assert client.get(unpublish_url(cv_page)).status_code == 403
    assert client.post(unpublish_url(cv_page), {"confirmed": "True"}).status_code == 403
    assert client.get(f"{ADMIN_PAGES}999999/unpublish/").status_code in {403, 404}
    cv_page.refresh_from_db()
    assert cv_page.status == AdvicePage.Status.PUBLISHED
    assert login(client, make_user("e2", CONTENT_EDITORS)).put(unpublish_url(cv_page)).status_code == 405
