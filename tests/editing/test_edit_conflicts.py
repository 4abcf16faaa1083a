"""No lost edits: optimistic locking on the page's version number."""

import re
import threading
from collections.abc import Callable

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import F
from django.db.models.signals import post_init
from django.test import Client

from microcredentials.editing.locking import EditConflict, save_page
from microcredentials.editing.revisions import save_with_revision
from microcredentials.models import AdvicePage
from tests.editing.helpers import CONTENT_EDITORS, change_url, form_data, login, make_user


@pytest.fixture
def cv_page(make_page: Callable[..., AdvicePage]) -> AdvicePage:
    return make_page(body="## Fees\n\nA course costs $100.\n")


@pytest.fixture
def aroha(db: None) -> User:
    return make_user("aroha", CONTENT_EDITORS, full_name="Aroha Ngata")


@pytest.fixture
def ben(db: None) -> User:
    return make_user("ben", CONTENT_EDITORS, full_name="Ben Smith")


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html).replace("&nbsp;", " ")


def seen_version(html: str) -> int:
    match = re.search(r'<input type="hidden" name="seen_version" value="(\d+)"', html)
    assert match, "no seen version field"
    return int(match[1])


def resubmit(refused_html: str, page: AdvicePage, body: str, **choice: str) -> dict[str, object]:
    """The refused form posted again as the browser would: its hidden versions, the editor's text, any choice."""
    return form_data(
        page, page_version=hidden_version(refused_html), seen_version=seen_version(refused_html), body=body, **choice
    )


def hidden_version(html: str) -> int:
    match = re.search(r'<input type="hidden" name="page_version" value="(\d+)"', html)
    assert match, "no hidden version field"
    return int(match[1])


@pytest.mark.django_db
def test_the_form_carries_the_version_and_each_save_increments_it(
    client: Client, cv_page: AdvicePage, aroha: User
) -> None:
    login(client, aroha)
    assert hidden_version(client.get(change_url(cv_page)).content.decode()) == 1
    client.post(change_url(cv_page), form_data(cv_page, body="## Fees\n\nA course costs $120.\n"))
    cv_page.refresh_from_db()
    assert cv_page.version == 2
    assert hidden_version(client.get(change_url(cv_page)).content.decode()) == 2


@pytest.mark.django_db
def test_second_of_two_saves_from_the_same_version_is_refused_and_keeps_its_text(
    cv_page: AdvicePage, aroha: User, ben: User
) -> None:
    first, second = login(Client(), aroha), login(Client(), ben)
    opened_version = hidden_version(first.get(change_url(cv_page)).content.decode())
    assert hidden_version(second.get(change_url(cv_page)).content.decode()) == opened_version

    saved = first.post(change_url(cv_page), form_data(cv_page, body="## Fees\n\nA course costs $150 from July.\n"))
    refused = second.post(
        change_url(cv_page), form_data(cv_page, page_version=opened_version, body="## Fees\n\nBen's careful rewrite.")
    )

    assert saved.status_code == 302
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Aroha Ngata saved this page at" in html
    assert "your changes have not been saved" in html
    # Ben's text is still in the form ...
    assert "Ben&#x27;s careful rewrite." in html
    # ... with a diff of what Aroha changed; the form still carries the version Ben opened, and records that he
    # has now seen version 2.
    assert "What changed after you opened this page" in html
    assert '<div class="word-diff">' in html and '<table class="diff"' not in html
    assert "<del>$100.</del>" in html and "<ins>$150 from July.</ins>" in html
    assert hidden_version(html) == 1
    assert seen_version(html) == 2
    cv_page.refresh_from_db()
    assert cv_page.body == "## Fees\n\nA course costs $150 from July.\n"
    assert cv_page.version == 2


@pytest.mark.django_db
def test_a_refused_save_pressed_again_and_again_is_still_refused(cv_page: AdvicePage, aroha: User, ben: User) -> None:
    login(Client(), aroha).post(change_url(cv_page), form_data(cv_page, title="Aroha's title", body="Aroha's text"))
    second = login(Client(), ben)
    html = second.post(change_url(cv_page), form_data(cv_page, page_version=1, body="Ben's text")).content.decode()
    for _press in range(2):  # the second and third press of Save
        response = second.post(change_url(cv_page), resubmit(html, cv_page, "Ben's text"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "your changes have not been saved" in html
    cv_page.refresh_from_db()
    assert (cv_page.title, cv_page.body, cv_page.version) == ("Aroha's title", "Aroha's text\n", 2)


@pytest.mark.django_db
def test_after_merging_by_hand_and_saying_so_the_editor_can_save(cv_page: AdvicePage, aroha: User, ben: User) -> None:
    login(Client(), aroha).post(change_url(cv_page), form_data(cv_page, body="Aroha's text"))
    second = login(Client(), ben)
    refused = second.post(change_url(cv_page), form_data(cv_page, page_version=1, body="Ben's text")).content.decode()
    retry = second.post(change_url(cv_page), resubmit(refused, cv_page, "Aroha's text and Ben's", merged_theirs="on"))
    assert retry.status_code == 302
    cv_page.refresh_from_db()
    assert (cv_page.body, cv_page.version, cv_page.last_edited_by) == ("Aroha's text and Ben's\n", 3, ben)


@pytest.mark.django_db
def test_replacing_their_changes_is_explicit_and_in_the_activity_log(
    cv_page: AdvicePage, aroha: User, ben: User
) -> None:
    login(Client(), aroha).post(change_url(cv_page), form_data(cv_page, body="Aroha's text"))
    second = login(Client(), ben)
    refused = second.post(change_url(cv_page), form_data(cv_page, page_version=1, body="Ben's text")).content.decode()
    assert 'name="_replace_theirs"' in refused
    data = resubmit(refused, cv_page, "Ben's text", _replace_theirs="Replace their changes with my text")
    data.pop("_save")
    assert second.post(change_url(cv_page), data).status_code == 302
    cv_page.refresh_from_db()
    assert cv_page.body == "Ben's text\n"
    entry = LogEntry.objects.filter(object_id=str(cv_page.pk)).latest("action_time")
    assert entry.user == ben
    assert "Replaced changes another editor had saved" in entry.get_change_message()


@pytest.mark.django_db
def test_the_diff_shows_what_the_other_editor_changed_since_the_opened_version(
    cv_page: AdvicePage, aroha: User, ben: User
) -> None:
    first, second = login(Client(), aroha), login(Client(), ben)
    first.post(change_url(cv_page), form_data(cv_page, title="Write a great CV"))  # version 1 -> 2
    cv_page.refresh_from_db()
    second_opened = cv_page.version
    first.post(change_url(cv_page), form_data(cv_page, body="## Fees\n\nNow free.\n"))  # 2 -> 3
    html = second.post(
        change_url(cv_page), form_data(cv_page, page_version=second_opened, summary="Ben's summary")
    ).content.decode()

    assert "What changed after you opened this page" in html
    assert "Now free." in text_of(html)
    # The title change happened before Ben opened the cv_page, so it is not part of the diff.
    assert '<h3 class="diff-field">Title</h3>' not in html
    assert '<h3 class="diff-field">Body</h3>' in html


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the staff groups the migrations made
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a second connection that commits mid-request")
def test_a_save_that_loses_the_race_after_its_check_is_shown_the_conflict(
    client: Client, make_page: Callable[..., AdvicePage], aroha: User
) -> None:
    """Another editor's save commits after the admin loaded and checked the form, just before this save."""
    cv_page = make_page()
    raced: list[bool] = []

    def commit_their_save() -> None:
        try:
            AdvicePage.objects.filter(pk=cv_page.pk).update(version=F("version") + 1, body="Their text\n")
        finally:
            connection.close()

    def another_editor_saves(sender: type[AdvicePage], instance: AdvicePage, **kwargs: object) -> None:
        if not raced and instance.pk == cv_page.pk:  # the admin has just loaded the page
            raced.append(True)
            thread = threading.Thread(target=commit_their_save)
            thread.start()
            thread.join()

    post_init.connect(another_editor_saves, sender=AdvicePage)
    try:
        response = login(client, aroha).post(change_url(cv_page), form_data(cv_page, body="Aroha's text"))
    finally:
        post_init.disconnect(another_editor_saves, sender=AdvicePage)

    assert raced
    assert response.status_code == 200
    html = response.content.decode()
    assert "your changes have not been saved" in html
    assert "Aroha&#x27;s text" in html
    cv_page.refresh_from_db()
    assert (cv_page.body, cv_page.version) == ("Their text\n", 2)


@pytest.mark.django_db
def test_a_post_without_a_version_is_treated_as_a_conflict(client: Client, cv_page: AdvicePage, aroha: User) -> None:
    response = login(client, aroha).post(change_url(cv_page), form_data(cv_page, page_version=None, body="Changed"))
    assert response.status_code == 200
    assert "your changes have not been saved" in response.content.decode()
    cv_page.refresh_from_db()
    assert cv_page.body == "## Fees\n\nA course costs $100.\n"


@pytest.mark.django_db
def test_save_page_refuses_a_stale_copy(cv_page: AdvicePage) -> None:
    mine, theirs = AdvicePage.objects.get(pk=cv_page.pk), AdvicePage.objects.get(pk=cv_page.pk)
    mine.body, theirs.body = "Mine\n", "Theirs\n"
    save_page(mine, expected_version=1)
    with pytest.raises(EditConflict):
        save_page(theirs, expected_version=1)
    cv_page.refresh_from_db()
    assert (cv_page.body, cv_page.version) == ("Mine\n", 2)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the staff groups the migrations made
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks between connections")
def test_two_truly_concurrent_saves_cannot_both_win(make_page: Callable[..., AdvicePage], aroha: User) -> None:
    cv_page = make_page()
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def save(text: str) -> None:
        copy = AdvicePage.objects.get(pk=cv_page.pk)
        copy.body = text
        start.wait()
        try:
            save_with_revision(copy, 1, aroha, f"Saved {text}")
            outcomes.append("saved")
        except EditConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(text,)) for text in ("One\n", "Two\n")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["conflict", "saved"]
    cv_page.refresh_from_db()
    assert cv_page.version == 2
    assert cv_page.body in ("One\n", "Two\n")
