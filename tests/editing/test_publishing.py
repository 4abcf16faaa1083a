"""Drafts, previews and scheduled publishing, and the admin's publish and unpublish actions."""

import datetime
from collections.abc import Callable

import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from reversion.models import Version

from microcredentials.editing import publishing
from microcredentials.models import AdvicePage
from tests.editing.helpers import ADMIN_PAGES, CONTENT_EDITORS, change_url, form_data, login, make_user

MARKER = "Preview: not published."
LAUNCH = datetime.datetime(2025, 9, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def editor(db: None) -> User:
    return make_user("editor", CONTENT_EDITORS)


@pytest.mark.django_db
def test_draft_and_future_pages_are_hidden_from_the_public_and_previewed_for_staff(
    client: Client, editor: User, make_page: Callable[..., AdvicePage]
) -> None:
    draft = make_page(slug="draft", status=AdvicePage.Status.DRAFT)
    future = make_page(slug="future", publish_at=datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC))
    live = make_page(slug="live")

    for page in (draft, future):
        assert Client().get(page.get_absolute_url()).status_code == 404
        response = login(client, editor).get(page.get_absolute_url())
        html = response.content.decode()
        assert response.status_code == 200
        assert MARKER in html
        assert '<meta name="robots" content="noindex">' in html
    assert MARKER not in client.get(live.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_scheduled_page_goes_live_when_its_time_passes(make_page: Callable[..., AdvicePage]) -> None:
    page = make_page(slug="scheduled", title="Starting a trade", publish_at=LAUNCH)
    client = Client()

    with time_machine.travel(LAUNCH - datetime.timedelta(seconds=1), tick=False):
        assert client.get(page.get_absolute_url()).status_code == 404
        assert "Starting a trade" not in client.get("/find-a-job/").content.decode()
        assert "Starting a trade" not in client.get("/").content.decode()
    with time_machine.travel(LAUNCH, tick=False):
        response = client.get(page.get_absolute_url())
        assert response.status_code == 200
        assert MARKER not in response.content.decode()
        assert "Starting a trade" in client.get("/find-a-job/").content.decode()
        assert "Starting a trade" in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_change_form_has_save_and_preview_and_view_on_site(
    client: Client, editor: User, make_page: Callable[..., AdvicePage]
) -> None:
    page = make_page(status=AdvicePage.Status.DRAFT)
    html = login(client, editor).get(change_url(page)).content.decode()
    assert '<input type="submit" value="Preview" name="_preview" formtarget="_blank">' in html

    content_type = ContentType.objects.get_for_model(AdvicePage)
    view_on_site = f"/admin/r/{content_type.pk}/{page.pk}/"
    assert f'<a href="{view_on_site}" class="viewsitelink">View on site</a>' in html
    shortcut = client.get(view_on_site)
    assert shortcut.status_code == 302
    assert shortcut["Location"].endswith(page.get_absolute_url())


@pytest.mark.django_db
def test_save_and_preview_saves_then_shows_the_page_with_the_marker(
    client: Client, editor: User, make_page: Callable[..., AdvicePage]
) -> None:
    page = make_page(status=AdvicePage.Status.DRAFT)
    response = login(client, editor).post(
        change_url(page),
        form_data(page, body="## Start here\n\nPreviewed text.", _preview="Preview"),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/admin/microcredentials/advicepage/{page.pk}/preview/"
    html = response.content.decode()
    assert MARKER in html
    assert "<p>Previewed text.</p>" in html


@pytest.mark.django_db
def test_publish_and_unpublish_actions_are_logged_and_recorded(
    client: Client, editor: User, make_page: Callable[..., AdvicePage]
) -> None:
    draft = make_page(slug="one", status=AdvicePage.Status.DRAFT)
    scheduled = make_page(slug="two", publish_at=datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC))
    login(client, editor)

    response = client.post(
        ADMIN_PAGES, {"action": "publish_selected", "_selected_action": [draft.pk, scheduled.pk]}, follow=True
    )

    assert "Published 2 pages." in response.content.decode()
    for page in (draft, scheduled):
        page.refresh_from_db()
        assert page.is_live()
        assert (page.version, page.last_edited_by) == (2, editor)
        entry = LogEntry.objects.get(object_id=str(page.pk))
        assert (entry.user, entry.action_flag) == (editor, CHANGE)
        assert entry.get_change_message() == "Published (with the “Publish now” action)."
        assert Version.objects.get_for_object(page).first().revision.user == editor  # type: ignore[union-attr]

    client.post(ADMIN_PAGES, {"action": "unpublish_selected", "_selected_action": [draft.pk], "confirmed": "True"})
    draft.refresh_from_db()
    assert draft.status == AdvicePage.Status.DRAFT
    assert LogEntry.objects.filter(object_id=str(draft.pk)).latest("action_time").get_change_message() == (
        "Unpublished, now a draft (with the “Unpublish” action)."
    )
    assert Client().get(draft.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_publishing_in_the_form_says_so_in_the_log(
    client: Client, editor: User, make_page: Callable[..., AdvicePage]
) -> None:
    page = make_page(status=AdvicePage.Status.DRAFT)
    login(client, editor)
    client.post(change_url(page), form_data(page, _publish="Publish"))
    page.refresh_from_db()
    client.post(change_url(page), form_data(page, body="## Next\n\nDrafted.", _save_draft="Save draft"))
    page.refresh_from_db()
    scheduled = {"schedule_at_0": "2999-01-01", "schedule_at_1": "09:00", "_schedule": "Schedule"}
    client.post(change_url(page), form_data(page, body="## Next\n\nDrafted.", **scheduled))

    messages = [entry.get_change_message() for entry in LogEntry.objects.order_by("action_time", "pk")]
    assert messages == [
        "Published.",
        "Saved a draft (changed Body).",
        "Saved a draft, scheduled to go live at 1 Jan 2999, 9.00am.",
    ]


@pytest.mark.django_db
def test_live_since_follows_the_version_readers_see(make_page: Callable[..., AdvicePage], editor: User) -> None:
    def at(hour: int) -> datetime.datetime:
        return datetime.datetime(2026, 12, 5, hour, 0, tzinfo=datetime.UTC)

    with time_machine.travel(at(1), tick=False):
        page = make_page(status=AdvicePage.Status.DRAFT)
        assert page.live_since is None
    with time_machine.travel(at(2), tick=False):
        publishing.publish_now(page, editor)
        assert page.live_since == at(2)
    with time_machine.travel(at(3), tick=False):
        page.review_by = datetime.date(2027, 6, 1)
        page.save()  # a change readers do not see
        assert AdvicePage.objects.get(pk=page.pk).live_since == at(2)
        publishing.save_draft(page, {"title": "New", "summary": "S", "body": "## New"}, "", editor, page.version, at(5))
    with time_machine.travel(at(7), tick=False):
        publishing.publish_due_drafts()
        assert AdvicePage.objects.get(pk=page.pk).live_since == at(5)  # when it was due, not when it was noticed
        page.refresh_from_db()
        publishing.unpublish(page, editor)
        assert AdvicePage.objects.get(pk=page.pk).live_since is None
