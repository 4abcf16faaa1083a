"""Revisions: recorded on every save, listed, compared and restored; major and minor changes."""

import datetime
import io
import re
from collections.abc import Callable

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from reversion.models import Version

from microcredentials.editing.revisions import version_label
from microcredentials.models import AdvicePage, PageChange, PageDraft
from tests.editing.helpers import ADMIN_PAGES, CONTENT_EDITORS, change_url, form_data, login, make_user
from tests.signing_in import sign_in

NZ = datetime.timezone(datetime.timedelta(hours=13))  # New Zealand daylight time


@pytest.fixture
def editor(db: None) -> User:
    return make_user("mere", CONTENT_EDITORS, full_name="Mere Parata")


@pytest.fixture
def cv_page(make_page: Callable[..., AdvicePage]) -> AdvicePage:
    return make_page(updated_on=datetime.date(2024, 5, 1))


def save(client: Client, page: AdvicePage, **changes: object) -> None:
    page.refresh_from_db()
    response = client.post(change_url(page), form_data(page, **changes))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert "/login/" not in response["Location"]
    page.refresh_from_db()


def versions(page: AdvicePage) -> list[Version]:
    return list(Version.objects.get_for_object(page).select_related("revision__user"))


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html).replace("&nbsp;", " ")


@pytest.mark.django_db
def test_every_save_records_a_revision_with_the_editor_and_the_full_source(
    client: Client, cv_page: AdvicePage, editor: User
) -> None:
    login(client, editor)
    save(client, cv_page, body="## Start here\n\nFirst edit.")
    save(client, cv_page, body="## Start here\n\nSecond edit.", title="Write a strong CV")

    newest, first, baseline = versions(cv_page)
    assert baseline.revision.user is None
    assert baseline.field_dict["body"] == "## Start here\n\nKeep it short.\n"
    assert (first.revision.user, first.field_dict["body"]) == (editor, "## Start here\n\nFirst edit.\n")
    assert (newest.revision.user, newest.field_dict["title"]) == (editor, "Write a strong CV")
    assert newest.revision.comment == "Changed Title, Body."
    assert newest.field_dict["version"] == 3


@pytest.mark.django_db
def test_adding_a_page_records_its_first_revision(client: Client, editor: User, topic: object) -> None:
    login(client, editor)
    response = client.post(
        f"{ADMIN_PAGES}add/",
        {
            "title": "Find an apprenticeship",
            "slug": "find-an-apprenticeship",
            "topic": AdvicePage._meta.get_field("topic").related_model.objects.get().pk,  # type: ignore[union-attr]
            "summary": "How apprenticeships work.",
            "body": "## What an apprenticeship is\n\nPaid training on the job.",
            "status": "draft",
            "order": 0,
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    page = AdvicePage.objects.get(slug="find-an-apprenticeship")
    (only,) = versions(page)
    assert (only.revision.user, only.revision.comment) == (editor, "Created the page.")
    assert (page.version, page.last_edited_by) == (1, editor)


@pytest.mark.django_db
def test_history_lists_revisions_and_the_activity_log(client: Client, cv_page: AdvicePage, editor: User) -> None:
    login(client, editor)
    save(client, cv_page, body="## Start here\n\nEdited.")
    html = client.get(f"{change_url(cv_page).removesuffix('change/')}history/").content.decode()

    assert '<h2 id="revisions-heading">Revisions</h2>' in html
    assert html.count('name="from"') == 2
    assert "Mere Parata" in html
    assert "Changed Body." in html
    assert "The page as it was before its first edit in the admin." in html
    assert '<h2 id="activity-heading">Activity log</h2>' in html


@pytest.mark.django_db
def test_compare_shows_an_escaped_diff_between_two_revisions(client: Client, cv_page: AdvicePage, editor: User) -> None:
    login(client, editor)
    save(client, cv_page, body="## Start here\n\nUse <script>alert('x')</script> sparingly.")
    save(client, cv_page, body="## Start here\n\nKeep it to two pages.")
    newest, middle, baseline = versions(cv_page)

    response = client.get(f"{ADMIN_PAGES}{cv_page.pk}/history/compare/", {"from": str(middle.pk), "to": str(newest.pk)})
    html = response.content.decode()

    assert response.status_code == 200
    assert '<div class="word-diff">' in html and '<table class="diff"' not in html
    assert "<ins>Keep it to two pages.</ins>" in html
    assert "<del>Use &lt;script&gt;alert(" in html
    assert (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html or "&lt;script&gt;alert('x')&lt;/script&gt;" in html
    )
    assert "<script>alert" not in html
    assert "Keep it to two pages." in text_of(html)
    assert "Revision of" in html and "by Mere Parata" in html


def history_of(client: Client, page: AdvicePage) -> str:
    return client.get(f"{ADMIN_PAGES}{page.pk}/history/").content.decode()


def compare_with_now(client: Client, page: AdvicePage, version: Version) -> str:
    return client.get(
        f"{ADMIN_PAGES}{page.pk}/history/compare/", {"from": version.pk, "to": "current"}
    ).content.decode()


def loaded_page() -> AdvicePage:
    call_command("load_content", stdout=io.StringIO())
    return AdvicePage.objects.get(slug="micro-credentials")


@pytest.mark.django_db
def test_the_baseline_of_a_page_made_outside_the_admin_says_so(
    client: Client, cv_page: AdvicePage, editor: User
) -> None:
    login(client, editor)
    save(client, cv_page, title="A new title")
    baseline = versions(cv_page)[-1]

    assert version_label(baseline).endswith(", before its first edit in the admin")
    html = compare_with_now(client, cv_page, baseline)
    assert ", before its first edit in the admin</strong>" in html
    assert "no one recorded" not in html
    assert "<td>Not recorded</td>" in history_of(client, cv_page)  # who made that page is not known


@pytest.mark.django_db
def test_the_history_of_a_loaded_page_credits_load_content(client: Client, editor: User) -> None:
    page = loaded_page()
    login(client, editor)
    save(client, page, title="Micro-credentials explained")
    _edit, loaded = versions(page)

    html = history_of(client, page)
    assert "<td>Loaded from content/pages/plan-your-career/micro-credentials.md by load_content</td>" in html
    assert "<td>load_content</td>" in html and "<td>Mere Parata</td>" in html
    assert "Not recorded" not in html and "no one recorded" not in html
    compared = compare_with_now(client, page, loaded)
    assert re.search(r"<strong>Revision of [^<]+ by load_content</strong>", compared)
    assert "no one recorded" not in compared


@pytest.mark.django_db
def test_the_baseline_of_a_page_loaded_before_loads_were_recorded_says_so(client: Client, editor: User) -> None:
    page = loaded_page()
    Version.objects.get_for_object(page).delete()  # as load_content left pages before it recorded revisions
    login(client, editor)
    save(client, page, title="Micro-credentials explained")
    _edit, baseline = versions(page)

    assert baseline.revision.comment == "The page as loaded from content/, before its first recorded change."
    assert version_label(baseline).endswith(", as loaded from content/")
    html = history_of(client, page)
    assert "<td>load_content</td>" in html and "Not recorded" not in html
    compared = compare_with_now(client, page, baseline)
    assert ", as loaded from content/</strong>" in compared and "no one recorded" not in compared


@pytest.mark.django_db
def test_compare_with_the_page_now_and_bad_choices(client: Client, cv_page: AdvicePage, editor: User) -> None:
    login(client, editor)
    save(client, cv_page, title="A new title")
    baseline = versions(cv_page)[-1]
    url = f"{ADMIN_PAGES}{cv_page.pk}/history/compare/"

    html = client.get(url, {"from": baseline.pk, "to": "current"}).content.decode()
    assert "The page now" in html and "A new title" in text_of(html)
    assert client.get(url, {"to": "current"}).status_code == 404
    assert client.get(url, {"from": "abc"}).status_code == 404
    other = AdvicePage.objects.create(topic=cv_page.topic, title="Other", slug="other", summary="s", body="b")
    login(client, editor).post(change_url(other), form_data(other, body="changed"))
    other_version = versions(other)[0]
    assert client.get(url, {"from": other_version.pk}).status_code == 404


@pytest.mark.django_db
def test_restoring_a_revision_of_a_live_page_makes_a_draft_and_is_logged(
    client: Client, cv_page: AdvicePage, editor: User
) -> None:
    login(client, editor)
    save(client, cv_page, body="## Start here\n\nA bad edit.", title="Oops")
    baseline = versions(cv_page)[-1]
    restore_url = f"{ADMIN_PAGES}{cv_page.pk}/history/{baseline.pk}/restore/"

    confirm = client.get(restore_url)
    assert confirm.status_code == 200
    assert "Restore this revision" in confirm.content.decode()
    assert "A bad edit." in text_of(confirm.content.decode())
    cv_page.refresh_from_db()
    assert cv_page.title == "Oops"  # looking changes nothing

    response = client.post(restore_url)

    assert response.status_code == 302
    cv_page.refresh_from_db()
    # Readers still see the live page: the restored text waits in the draft until someone publishes it.
    assert (cv_page.title, cv_page.body) == ("Oops", "## Start here\n\nA bad edit.\n")
    assert "A bad edit." in Client().get(cv_page.get_absolute_url()).content.decode()
    draft = PageDraft.objects.get(page=cv_page)
    assert (draft.title, draft.body, draft.saved_by) == ("Write a CV", "## Start here\n\nKeep it short.\n", editor)
    assert cv_page.version == 3
    newest = versions(cv_page)[0]
    assert newest.revision.user == editor
    entry = LogEntry.objects.filter(object_id=str(cv_page.pk)).latest("action_time")
    assert entry.user == editor
    assert entry.get_change_message().startswith("Restored the title, summary and body")
    assert entry.get_change_message().endswith("Readers see the live page until the draft is published.")

    cv_page.refresh_from_db()
    client.post(change_url(cv_page), form_data(cv_page, title="Write a CV", body=draft.body, _publish="Publish"))
    cv_page.refresh_from_db()
    assert (cv_page.title, cv_page.body_html) == (
        "Write a CV",
        '<h2 id="start-here">Start here</h2>\n<p>Keep it short.</p>',
    )


@pytest.mark.django_db
def test_restore_keeps_status_and_refuses_a_stale_restore(client: Client, cv_page: AdvicePage, editor: User) -> None:
    login(client, editor)
    save(client, cv_page, body="Edited")
    client.post(ADMIN_PAGES, {"action": "unpublish_selected", "_selected_action": [cv_page.pk], "confirmed": "True"})
    baseline = versions(cv_page)[-1]
    client.post(f"{ADMIN_PAGES}{cv_page.pk}/history/{baseline.pk}/restore/")
    cv_page.refresh_from_db()
    assert cv_page.status == AdvicePage.Status.DRAFT
    assert client.put(f"{ADMIN_PAGES}{cv_page.pk}/history/{baseline.pk}/restore/").status_code == 405


# Major and minor changes.


@pytest.mark.django_db
def test_a_major_change_updates_the_date_and_the_public_history(
    client: Client, cv_page: AdvicePage, editor: User
) -> None:
    login(client, editor)
    # 8pm UTC on 10 March is 9am on 11 March in New Zealand: the date is New Zealand's.
    with time_machine.travel(datetime.datetime(2025, 3, 10, 20, 0, tzinfo=datetime.UTC)):
        save(client, cv_page, body="## Start here\n\nNew fees.", major_change="on", change_note="Added the 2025 fees.")
    with time_machine.travel(datetime.datetime(2025, 6, 2, 22, 0, tzinfo=datetime.UTC)):
        login(client, editor)  # the first session has long expired
        save(client, cv_page, body="## Start here\n\nNewer fees.", major_change="on", change_note="Added <b>2026</b>.")

    assert cv_page.updated_on == datetime.date(2025, 6, 3)
    assert list(PageChange.objects.values_list("changed_on", "note")) == [
        (datetime.date(2025, 6, 3), "Added <b>2026</b>."),
        (datetime.date(2025, 3, 11), "Added the 2025 fees."),
    ]
    html = Client().get(cv_page.get_absolute_url()).content.decode()
    assert 'Updated <time datetime="2025-06-03">3 Jun 2025</time>' in html
    assert '<h2 id="page-history-heading">Page history</h2>' in html
    newest = html.index("3 Jun 2025</time>: Added &lt;b&gt;2026&lt;/b&gt;.")
    older = html.index('<time datetime="2025-03-11">11 Mar 2025</time>: Added the 2025 fees.')
    assert newest < older
    assert versions(cv_page)[0].revision.comment == "Changed Body. Major change: Added <b>2026</b>."


@pytest.mark.django_db
def test_a_minor_change_changes_neither_date_nor_history(client: Client, cv_page: AdvicePage, editor: User) -> None:
    login(client, editor)
    save(client, cv_page, body="## Start here\n\nKeep it short (typo fixed).", change_note="ignored without the box")

    assert cv_page.updated_on == datetime.date(2024, 5, 1)
    assert not PageChange.objects.exists()
    assert "Page history" not in Client().get(cv_page.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_major_change_needs_a_note(client: Client, cv_page: AdvicePage, editor: User) -> None:
    response = login(client, editor).post(change_url(cv_page), form_data(cv_page, body="Changed", major_change="on"))
    assert response.status_code == 200
    assert "Write a change note for this major change." in response.content.decode()
    cv_page.refresh_from_db()
    assert (cv_page.body, cv_page.version) == ("## Start here\n\nKeep it short.\n", 1)
    assert not PageChange.objects.exists()


@pytest.mark.django_db
def test_history_notes_deleted_in_bulk_in_the_admin_leave_the_public_page_at_once(
    client: Client, cv_page: AdvicePage, admin_user: User
) -> None:
    kept = PageChange.objects.create(page=cv_page, changed_on=datetime.date(2025, 1, 5), note="Kept note.")
    gone = PageChange.objects.create(page=cv_page, changed_on=datetime.date(2025, 2, 5), note="Mistaken note.")
    assert "Mistaken note." in Client().get(cv_page.get_absolute_url()).content.decode()
    sign_in(client, admin_user)
    client.post(
        "/admin/microcredentials/pagechange/",
        {"action": "delete_selected", "_selected_action": [gone.pk], "post": "yes"},  # a queryset delete
    )
    assert list(PageChange.objects.values_list("pk", flat=True)) == [kept.pk]
    html = Client().get(cv_page.get_absolute_url()).content.decode()
    assert "Mistaken note." not in html and "Kept note." in html
