"""The page list for editors, who may do what, the audit trail, and exporting edits back to content/."""

import datetime
import io
from collections.abc import Callable
from pathlib import Path

import pytest
import time_machine
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from reversion.models import Version

from microcredentials.models import AdvicePage
from tests.editing.helpers import (
    ADMIN_PAGES,
    CONTACT_CENTRE,
    CONTENT_EDITORS,
    change_url,
    form_data,
    login,
    make_user,
)

TODAY = datetime.datetime(2025, 7, 15, 0, 0, tzinfo=datetime.UTC)  # midday in New Zealand


@pytest.fixture
def editor(db: None) -> User:
    """A member of Content editors, with exactly the permissions the migrations give that group."""
    return make_user("hemi", CONTENT_EDITORS, full_name="Hemi Walker")


@pytest.fixture
def site_manager(db: None) -> User:
    """No staff group may delete pages or read the whole activity log: only a superuser (the site manager) can."""
    return User.objects.create_superuser("ana", first_name="Ana", last_name="Sione")


@pytest.fixture
def pages(make_page: Callable[..., AdvicePage]) -> dict[str, AdvicePage]:
    return {
        "overdue": make_page(slug="overdue", title="Overdue page", review_by=datetime.date(2025, 7, 14)),
        "due": make_page(slug="due", title="Due soon page", review_by=datetime.date(2025, 7, 30)),
        "later": make_page(slug="later", title="Later page", review_by=datetime.date(2026, 1, 1)),
        "none": make_page(slug="none", title="Unreviewed page", body="## Apprenticeships\n\nPaid training."),
    }


def listed_titles(html: str, pages: dict[str, AdvicePage]) -> set[str]:
    return {page.title for page in pages.values() if f">{page.title}</a>" in html}


# The list.


@pytest.mark.django_db
def test_list_shows_status_topic_updated_last_editor_and_revision_count(
    client: Client, editor: User, make_page: Callable[..., AdvicePage]
) -> None:
    with time_machine.travel(datetime.datetime(2026, 12, 5, 3, 10, tzinfo=datetime.UTC), tick=False):
        page = make_page(updated_on=datetime.date(2023, 8, 29))  # live from 4.10pm in New Zealand
    make_page(slug="later", title="Coming soon", publish_at=datetime.datetime(2999, 3, 1, tzinfo=datetime.UTC))
    login(client, editor).post(change_url(page), form_data(page, title="Write a CV that works"))

    html = client.get(ADMIN_PAGES).content.decode()

    headings = ("Status", "Topic", "Live since", "Draft pending", "Scheduled for", "Updated", "Review by", "Owner")
    for heading in (*headings, "Revisions"):
        assert f">{heading}</a>" in html or f">{heading}</span>" in html, heading
    row = html[html.index(">Write a CV that works</a></th>") :].split("</tr>")[0]
    assert '<td class="field-status_label">Published</td>' in row
    assert '<td class="field-topic nowrap">Find a job</td>' in row
    assert '<td class="field-went_live">5 Dec 2026, 4.10pm</td>' in row
    assert '<td class="field-updated">29 Aug 2023</td>' in row
    assert '<td class="field-draft_pending">–</td>' in row
    assert '<td class="field-scheduled_for">–</td>' in row
    assert '<td class="field-revisions">2</td>' in row  # the state before the edit, and the edit
    later = html[html.index(">Coming soon</a></th>") :].split("</tr>")[0]
    assert '<td class="field-status_label">Scheduled</td>' in later
    assert '<td class="field-went_live">–</td>' in later
    assert "1 Mar 2999" in later


@pytest.mark.django_db
def test_a_scheduled_draft_shows_who_saved_it_when_it_goes_live_and_keeps_the_live_since_date(
    client: Client, editor: User, make_page: Callable[..., AdvicePage]
) -> None:
    with time_machine.travel(datetime.datetime(2026, 12, 5, 3, 10, tzinfo=datetime.UTC), tick=False):
        page = make_page()
    fields = form_data(page, body="## Start here\n\nKeep it to two pages.\n") | {
        "_schedule": "Schedule",
        "schedule_at_0": "2999-01-01",
        "schedule_at_1": "09:00",
    }
    login(client, editor).post(change_url(page), fields)

    row = client.get(ADMIN_PAGES).content.decode().split(">Write a CV</a></th>")[1].split("</tr>")[0]
    assert '<td class="field-went_live">5 Dec 2026, 4.10pm</td>' in row
    assert f"Draft by {editor.get_full_name() or editor.username}" in row
    assert '<td class="field-scheduled_for">1 Jan 2999, 9.00am (the draft)</td>' in row


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_review_filters(client: Client, editor: User, pages: dict[str, AdvicePage]) -> None:
    login(client, editor)
    assert listed_titles(client.get(ADMIN_PAGES, {"review": "overdue"}).content.decode(), pages) == {"Overdue page"}
    assert listed_titles(client.get(ADMIN_PAGES, {"review": "soon"}).content.decode(), pages) == {"Due soon page"}
    assert listed_titles(client.get(ADMIN_PAGES, {"review": "none"}).content.decode(), pages) == {"Unreviewed page"}
    assert "Overdue for review" in client.get(ADMIN_PAGES).content.decode()


@pytest.mark.django_db
def test_search_and_status_filter(client: Client, editor: User, pages: dict[str, AdvicePage]) -> None:
    login(client, editor)
    assert listed_titles(client.get(ADMIN_PAGES, {"q": "apprenticeships"}).content.decode(), pages) == {
        "Unreviewed page"
    }
    pages["due"].status = AdvicePage.Status.DRAFT
    pages["due"].save()
    assert listed_titles(client.get(ADMIN_PAGES, {"status__exact": "draft"}).content.decode(), pages) == {
        "Due soon page"
    }


@pytest.mark.django_db
def test_saving_records_the_last_editor(client: Client, editor: User, make_page: Callable[..., AdvicePage]) -> None:
    page = make_page()
    login(client, editor).post(change_url(page), form_data(page, summary="A new summary."))
    page.refresh_from_db()
    assert page.last_edited_by == editor


# Permissions per group, as the migrations create the groups.


@pytest.mark.django_db
def test_content_editors_can_add_and_change_pages_but_not_delete_them(
    client: Client, make_page: Callable[..., AdvicePage]
) -> None:
    page = make_page()
    login(client, make_user("kiri", CONTENT_EDITORS))
    assert client.get(ADMIN_PAGES).status_code == 200
    assert client.get(f"{ADMIN_PAGES}add/").status_code == 200
    assert client.get(change_url(page)).status_code == 200
    assert client.get(f"{ADMIN_PAGES}{page.pk}/history/").status_code == 200
    assert client.post(f"{ADMIN_PAGES}{page.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AdvicePage.objects.filter(pk=page.pk).exists()


@pytest.mark.django_db
def test_contact_centre_staff_cannot_touch_pages(client: Client, make_page: Callable[..., AdvicePage]) -> None:
    page = make_page()
    login(client, make_user("contact", CONTACT_CENTRE))
    assert client.get("/admin/microcredentials/sitealert/").status_code == 200
    for url in (ADMIN_PAGES, f"{ADMIN_PAGES}add/", change_url(page), f"{ADMIN_PAGES}{page.pk}/history/"):
        assert client.get(url).status_code == 403, url
    assert client.post(change_url(page), form_data(page, title="Changed")).status_code == 403
    assert (
        client.post(
            ADMIN_PAGES, {"action": "unpublish_selected", "_selected_action": [page.pk], "confirmed": "True"}
        ).status_code
        == 403
    )
    page.refresh_from_db()
    assert (page.title, page.status) == ("Write a CV", AdvicePage.Status.PUBLISHED)


@pytest.mark.django_db
def test_view_only_staff_can_read_history_but_not_restore_or_publish(
    client: Client, editor: User, make_page: Callable[..., AdvicePage]
) -> None:
    page = make_page(status=AdvicePage.Status.DRAFT)
    login(client, editor).post(change_url(page), form_data(page, body="Edited"))
    version_id = Version.objects.get_for_object(page)[0].pk

    reader = login(Client(), make_user("reader", ["view_advicepage"]))
    assert reader.get(f"{ADMIN_PAGES}{page.pk}/history/").status_code == 200
    assert reader.get(f"{ADMIN_PAGES}{page.pk}/history/{version_id}/restore/").status_code == 403
    assert reader.post(f"{ADMIN_PAGES}{page.pk}/history/{version_id}/restore/").status_code == 403
    assert "publish_selected" not in reader.get(ADMIN_PAGES).content.decode()
    reader.post(ADMIN_PAGES, {"action": "publish_selected", "_selected_action": [page.pk]})
    page.refresh_from_db()
    assert page.status == AdvicePage.Status.DRAFT


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_the_login_page(client: Client, make_page: Callable[..., AdvicePage]) -> None:
    page = make_page()
    for url in (ADMIN_PAGES, change_url(page), f"{ADMIN_PAGES}{page.pk}/history/compare/?from=1"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


# Audit: who did what, visible in the admin.


@pytest.mark.django_db
def test_every_kind_of_change_is_attributed_and_visible(client: Client, site_manager: User, topic: object) -> None:
    login(client, site_manager)
    client.post(
        f"{ADMIN_PAGES}add/",
        {
            "title": "Volunteering",
            "slug": "volunteering",
            "topic": AdvicePage._meta.get_field("topic").related_model.objects.get().pk,  # type: ignore[union-attr]
            "summary": "Build experience.",
            "body": "## Why volunteer\n\nExperience.",
            "status": "draft",
            "order": 0,
            "_save": "Save",
        },
    )
    page = AdvicePage.objects.get(slug="volunteering")
    client.post(change_url(page), form_data(page, status="published"))
    page.refresh_from_db()
    client.post(change_url(page), form_data(page, body="## Why volunteer\n\nMore experience."))
    client.post(ADMIN_PAGES, {"action": "unpublish_selected", "_selected_action": [page.pk], "confirmed": "True"})
    first = Version.objects.get_for_object(page).last()
    assert first is not None
    client.post(f"{ADMIN_PAGES}{page.pk}/history/{first.pk}/restore/")
    history = client.get(f"{ADMIN_PAGES}{page.pk}/history/").content.decode()
    client.post(f"{ADMIN_PAGES}{page.pk}/delete/", {"post": "yes"})

    entries = list(LogEntry.objects.order_by("pk"))
    assert {entry.user for entry in entries} == {site_manager}
    assert [(entry.action_flag, entry.get_change_message()) for entry in entries] == [
        (ADDITION, "Created the page."),
        (CHANGE, "Published."),
        (CHANGE, "Changed Body."),
        (CHANGE, "Unpublished, now a draft (with the “Unpublish” action)."),
        (CHANGE, entries[4].get_change_message()),
        (DELETION, ""),
    ]
    assert entries[4].get_change_message().startswith("Restored the title, summary and body from the revision of")
    for message in ("Created the page.", "Published.", "Changed Body.", "Unpublished, now a draft", "Restored the"):
        assert message in history
    assert "Ana Sione" in history


@pytest.mark.django_db
def test_the_activity_log_lists_everything_including_deleted_pages(
    client: Client, editor: User, site_manager: User, make_page: Callable[..., AdvicePage]
) -> None:
    page = make_page(title="Short-lived page")
    manager = login(Client(), site_manager)
    manager.post(f"{ADMIN_PAGES}{page.pk}/delete/", {"post": "yes"})

    html = manager.get("/admin/admin/logentry/").content.decode()

    assert "Short-lived page" in html
    assert "ana" in html
    assert "Deletion" in html
    assert manager.get("/admin/admin/logentry/add/").status_code == 403  # the log is never written by hand
    assert login(client, editor).get("/admin/admin/logentry/").status_code == 403  # no staff group reads it all


# Exporting what editors changed.


@pytest.mark.django_db
def test_export_content_writes_what_editors_changed(
    client: Client, editor: User, shipped_content: AdvicePage, tmp_path: Path
) -> None:
    page = shipped_content
    new_body = page.body.replace("Prices vary from course to course.", "Prices vary a lot between courses.")
    login(client, editor).post(
        change_url(page), form_data(page, body=new_body, major_change="on", change_note="Reworded the costs.")
    )
    page.refresh_from_db()

    call_command("export_content", content_dir=tmp_path, stdout=io.StringIO())

    exported = (tmp_path / "pages" / "plan-your-career" / "micro-credentials.md").read_text(encoding="utf-8")
    assert "Prices vary a lot between courses." in exported
    assert "Prices vary from course to course." not in exported
    assert f"updated_on: {page.updated_on.isoformat()}" in exported
    out = io.StringIO()
    call_command("load_content", content_dir=tmp_path, stdout=out)
    assert "Nothing to change" in out.getvalue()


# --- the pages every footer links to ----------------------------------------------------------------

FOOTER_WARNING = "Every page&#x27;s footer links to “Privacy”. Until this page is published again"


@pytest.mark.parametrize("how", ["unpublish action", "delete", "delete selected action"])
def test_taking_down_a_page_the_footer_links_to_warns_the_editor(
    client: Client, site_manager: User, shipped_content: AdvicePage, how: str
) -> None:
    login(client, site_manager)
    privacy = AdvicePage.objects.select_related("topic").get(topic__slug="about-this-site", slug="privacy")
    if how == "unpublish action":
        response = client.post(
            ADMIN_PAGES,
            {"action": "unpublish_selected", "_selected_action": [privacy.pk], "confirmed": "True"},
            follow=True,
        )
    elif how == "delete":
        response = client.post(f"{ADMIN_PAGES}{privacy.pk}/delete/", {"post": "yes"}, follow=True)
    else:
        selected = {"action": "delete_selected", "_selected_action": [privacy.pk], "post": "yes"}
        response = client.post(ADMIN_PAGES, selected, follow=True)
    assert response.status_code == 200
    assert FOOTER_WARNING in response.content.decode()
    assert Client().get("/about-this-site/privacy/").status_code == 404  # readers: what the warning is about


def test_other_pages_and_edits_that_keep_the_page_live_get_no_footer_warning(
    client: Client, editor: User, shipped_content: AdvicePage
) -> None:
    login(client, editor)
    privacy = AdvicePage.objects.get(topic__slug="about-this-site", slug="privacy")
    kept_live = client.post(change_url(privacy), form_data(privacy, summary="What we collect, and why."), follow=True)
    other = client.post(change_url(shipped_content), form_data(shipped_content, status="draft"), follow=True)
    for response in (kept_live, other):
        assert response.status_code == 200
        assert "footer links to" not in response.content.decode()
