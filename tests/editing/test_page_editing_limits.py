"""The page form refuses a body that would take too long to render, keeping the editor's text, and tells
editors how the Body field's keys work."""

import html
import json
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from reversion.models import Version

from microcredentials.models import AdvicePage, Topic
from tests.editing.helpers import ADMIN_PAGES, CONTENT_EDITORS, change_url, form_data, login, make_user

SLOW_BODY = "## Brackets\n\n" + "[" * 4000 + "]" * 4000 + "\n"


@pytest.fixture
def editor(db: None) -> User:
    return make_user("aroha", CONTENT_EDITORS)


def post_refused(client: Client, url: str, data: dict[str, object]) -> tuple[list[str], str]:
    """Post the page form, which must come back with errors: the Body field's errors and the text it holds."""
    response = client.post(url, data)
    assert response.status_code == 200, "the form should be shown again, not saved"
    form = response.context["adminform"].form
    shown = html.unescape(response.content.decode())
    errors = list(form.errors.get("body", []))
    assert all(error in shown for error in errors), "the editor must see each error"
    kept = str(form["body"].value())
    assert kept.strip() in shown, "the field must still hold the editor's text"
    return errors, kept


@pytest.mark.django_db
def test_a_body_too_slow_to_render_is_refused_and_the_text_kept(
    client: Client, editor: User, make_page: Callable[..., AdvicePage]
) -> None:
    page = make_page()
    saved_body = page.body
    [error], kept = post_refused(login(client, editor), change_url(page), form_data(page, body=SLOW_BODY))

    assert error.startswith("A paragraph, list item or table cell has too many “[” or “`” for its length")
    assert kept == SLOW_BODY
    page.refresh_from_db()
    assert page.body == saved_body


@pytest.mark.django_db
def test_a_new_page_with_an_overlong_body_is_not_created(client: Client, editor: User, topic: Topic) -> None:
    data: dict[str, object] = {
        "title": "Too long",
        "slug": "too-long",
        "topic": topic.pk,
        "summary": "A summary.",
        "body": "word " * 20_001,
        "status": AdvicePage.Status.DRAFT,
        "order": 0,
        "_save": "Save",
    }
    errors, _ = post_refused(login(client, editor), f"{ADMIN_PAGES}add/", data)
    assert errors == [
        "The body is 100,005 characters long; a page can have up to 100,000. "
        "Move some sections to a new page and link to it."
    ]
    assert not AdvicePage.objects.filter(slug="too-long").exists()


@pytest.mark.django_db
def test_the_body_help_text_says_how_tab_and_indenting_work(
    client: Client, editor: User, make_page: Callable[..., AdvicePage]
) -> None:
    page = make_page()
    text = html.unescape(login(client, editor).get(change_url(page)).content.decode())
    assert 'id="id_body_helptext"' in text
    assert (
        "Tab and Shift+Tab move out of the box, as in other fields. "
        "To indent a line, press Ctrl+] (Ctrl+[ takes the indent away); on a Mac, Cmd+] and Cmd+[."
    ) in text


# Bodies saved before the limits existed meet them on other save paths: each says so instead of failing.


@pytest.mark.django_db
def test_publishing_a_page_whose_body_is_too_slow_to_render_says_why_and_publishes_the_rest(
    client: Client, editor: User, make_page: Callable[..., AdvicePage]
) -> None:
    stuck = make_page(slug="stuck", status=AdvicePage.Status.DRAFT)
    fine = make_page(slug="fine", status=AdvicePage.Status.DRAFT)
    AdvicePage.objects.filter(pk=stuck.pk).update(body=SLOW_BODY)  # as an older release might have saved it
    response = login(client, editor).post(
        ADMIN_PAGES, {"action": "publish_selected", "_selected_action": [stuck.pk, fine.pk]}, follow=True
    )
    shown = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "“Write a CV” was left as it is: A paragraph, list item or table cell has too many “[”" in shown
    assert "Published 1 page." in shown
    assert AdvicePage.objects.get(pk=stuck.pk).status == AdvicePage.Status.DRAFT
    assert AdvicePage.objects.get(pk=fine.pk).status == AdvicePage.Status.PUBLISHED


@pytest.mark.django_db
def test_restoring_a_revision_too_slow_to_render_says_why(
    client: Client, editor: User, make_page: Callable[..., AdvicePage]
) -> None:
    page = make_page()
    login(client, editor).post(change_url(page), form_data(page, body="## Start here\n\nA later edit.\n"))
    page.refresh_from_db()
    baseline = Version.objects.get_for_object(page).last()
    assert baseline is not None
    stored = json.loads(baseline.serialized_data)
    stored[0]["fields"]["body"] = SLOW_BODY  # as an older release might have kept it
    baseline.serialized_data = json.dumps(stored)
    baseline.save()
    response = client.post(f"{ADMIN_PAGES}{page.pk}/history/{baseline.pk}/restore/", follow=True)
    shown = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "That revision cannot be restored as it is: A paragraph, list item or table cell" in shown
    assert AdvicePage.objects.get(pk=page.pk).body == "## Start here\n\nA later edit.\n"
