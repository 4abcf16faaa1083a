"""Link checks of pages: run on publish by the worker, by hand with `manage.py check_links`, and shown to
editors: the report, the page's own section, the ignore list, the content-check warning and the one-click fix."""

import io
from collections.abc import Callable

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from microcredentials.editing import publishing
from microcredentials.health import links
from microcredentials.models import AdvicePage, IgnoredLink, LinkCheck, PageDraft
from tests.conftest import WORKER_DB, run_worker
from tests.editing.helpers import CONTENT_EDITORS, change_url, form_data, login, make_user
from tests.health.conftest import LinkServer

MakePage = Callable[..., AdvicePage]


def body_linking(server: LinkServer, *paths: str) -> str:
    items = "\n".join(f"- [Link to {path.strip('/')}]({server.url(path)})" for path in paths)
    return f"## Links\n\n{items}\n"


@pytest.fixture
def editor(db: None) -> User:
    return make_user("aroha", CONTENT_EDITORS, full_name="Aroha Ngata")


@WORKER_DB
def test_publishing_a_page_queues_a_check_of_its_links_that_the_worker_runs(
    link_server: LinkServer, make_page: MakePage, editor: User
) -> None:
    page = make_page(status=AdvicePage.Status.DRAFT, body=body_linking(link_server, "/ok", "/missing"))
    assert not DBTaskResult.objects.filter(task_path__endswith="check_page_links").exists()  # drafts are not checked
    publishing.publish_now(page, editor)
    [queued] = DBTaskResult.objects.filter(task_path__endswith="check_page_links", status=TaskResultStatus.READY)
    assert queued.args_kwargs["args"] == [page.pk]
    run_worker()
    results = dict(LinkCheck.objects.filter(page=page).values_list("url", "status"))
    assert results == {link_server.url("/ok"): "ok", link_server.url("/missing"): "broken"}
    publishing.publish_now(page, editor)  # nothing new to check: nothing queued
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    publishing.unpublish(page, editor)  # readers cannot follow its links now: the results go
    assert not LinkCheck.objects.filter(page=page).exists()


def test_check_links_prints_each_broken_or_redirected_link_and_fails_when_any_is_broken(
    link_server: LinkServer, make_page: MakePage
) -> None:
    make_page(title="Write a CV", body=body_linking(link_server, "/ok", "/moved", "/error"))
    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("check_links", stdout=out)
    assert failed.value.returncode == 1
    assert out.getvalue().splitlines() == [
        f"BROKEN: Write a CV: {link_server.url('/error')}: HTTP 500",
        f"REDIRECTED: Write a CV: {link_server.url('/moved')}: redirected to {link_server.url('/ok')}",
    ]
    assert "Checked 3 links on 1 page: 1 broken, 1 redirected." in str(failed.value)


def test_check_links_succeeds_when_nothing_is_broken(link_server: LinkServer, make_page: MakePage) -> None:
    make_page(body=body_linking(link_server, "/ok", "/moved"))
    out = io.StringIO()
    call_command("check_links", stdout=out)
    assert out.getvalue().splitlines()[-1] == "Checked 2 links on 1 page: 0 broken, 1 redirected."


def test_ignored_addresses_and_prefixes_are_not_checked_or_reported(
    link_server: LinkServer, make_page: MakePage
) -> None:
    page = make_page(body=body_linking(link_server, "/ok", "/missing", "/error"))
    IgnoredLink.objects.create(address=link_server.url("/missing"))
    IgnoredLink.objects.create(address=link_server.url("/err"), is_prefix=True)
    call_command("check_links", stdout=io.StringIO())
    assert list(LinkCheck.objects.filter(page=page).values_list("url", flat=True)) == [link_server.url("/ok")]
    assert {seen.path for seen in link_server.requests} == {"/ok"}


def test_saving_a_page_with_a_known_broken_link_warns_the_editor(
    client: Client, link_server: LinkServer, make_page: MakePage, editor: User
) -> None:
    page = make_page(body=body_linking(link_server, "/missing"))
    links.check_pages([page])
    login(client, editor)
    response = client.post(change_url(page), form_data(page, summary="Changed."), follow=True)
    text = response.content.decode()
    assert (
        f"Check: The link “Link to missing” goes to {link_server.url('/missing')}, which was broken when last "
        "checked (HTTP 404)."
    ).replace("“", "&quot;").replace("”", "&quot;") in text
    IgnoredLink.objects.create(address=link_server.url("/missing"))
    page.refresh_from_db()
    response = client.post(change_url(page), form_data(page, summary="Again."), follow=True)
    assert "which was broken when last checked" not in response.content.decode()


def test_the_page_form_and_the_report_show_each_result(
    client: Client, link_server: LinkServer, make_page: MakePage, editor: User
) -> None:
    page = make_page(body=body_linking(link_server, "/ok", "/moved", "/missing"))
    links.check_pages([page])
    login(client, editor)
    text = client.get(change_url(page)).content.decode()
    assert "Content health" in text
    assert f"Redirected to {link_server.url('/ok')}" in text
    assert "Broken: HTTP 404" in text
    assert "1 link OK when last checked." in text
    assert (
        reverse("admin:microcredentials_linkcheck_use_new_address", args=[page.link_checks.get(status="redirected").pk])
        in text
    )
    report = client.get(reverse("admin:microcredentials_linkcheck_changelist") + "?status__exact=broken")
    assert report.status_code == 200
    assert link_server.url("/missing") in report.content.decode()
    assert link_server.url("/moved") not in report.content.decode()


def test_use_the_new_address_replaces_the_link_in_the_page_with_a_revision(
    client: Client, link_server: LinkServer, make_page: MakePage, editor: User
) -> None:
    page = make_page(body=body_linking(link_server, "/moved") + f"\nAlso <{link_server.url('/moved')}>.\n")
    links.check_pages([page])
    check = page.link_checks.get()
    login(client, editor)
    response = client.post(reverse("admin:microcredentials_linkcheck_use_new_address", args=[check.pk]))
    assert response.status_code == 302
    page.refresh_from_db()
    assert link_server.url("/moved") not in page.body
    assert page.body.count(link_server.url("/ok")) == 2
    assert link_server.url("/ok") in page.body_html
    assert page.version == 2
    entry = LogEntry.objects.latest("pk")
    assert entry.get_change_message().startswith(f"Replaced the link {link_server.url('/moved')} with its new address")
    assert list(page.link_checks.values_list("url", "status")) == [(link_server.url("/ok"), "ok")]


def test_use_the_new_address_changes_the_draft_when_the_page_has_one(
    client: Client, link_server: LinkServer, make_page: MakePage, editor: User
) -> None:
    page = make_page(body=body_linking(link_server, "/moved"))
    links.check_pages([page])
    publishing.save_draft(
        page, {"title": page.title, "summary": "New.", "body": page.body + "\nMore.\n"}, "", editor, page.version
    )
    page.refresh_from_db()
    login(client, editor)
    client.post(reverse("admin:microcredentials_linkcheck_use_new_address", args=[page.link_checks.get().pk]))
    draft = PageDraft.objects.get(page=page)
    assert link_server.url("/ok") in draft.body and "More." in draft.body
    page.refresh_from_db()
    assert link_server.url("/moved") in page.body  # readers keep the live page until the draft is published


def test_the_new_admin_endpoints_refuse_hostile_or_wrong_requests_without_a_500(
    client: Client, link_server: LinkServer, make_page: MakePage, editor: User
) -> None:
    page = make_page(body=body_linking(link_server, "/ok", "/missing"))
    links.check_pages([page])
    fix = "admin:microcredentials_linkcheck_use_new_address"
    mark = "admin:microcredentials_pagereview_mark"
    login(client, editor)
    assert client.get(reverse(fix, args=[page.link_checks.get(status="ok").pk])).status_code == 405
    assert client.post(reverse(fix, args=[999999])).status_code == 404
    assert client.post(reverse(mark, args=[999999])).status_code == 404
    assert client.get(reverse(mark, args=[page.pk])).status_code == 405
    base = reverse("admin:microcredentials_linkcheck_changelist")
    for path in (f"{base}abc/use-new-address/", f"{base}%00/use-new-address/", f"{base}-1/use-new-address/"):
        assert client.post(path).status_code in (302, 404)  # the admin sends an unknown object path to its form
    for query in ("?status__exact=%00'", "?page__id__exact=abc", "?o=99", "?status__exact=" + "x" * 5000):
        assert client.get(base + query).status_code in (200, 302, 400)
    ok_check = page.link_checks.get(status="ok")
    response = client.post(reverse(fix, args=[ok_check.pk]), follow=True)
    assert "This link is not redirected" in response.content.decode()
    reader = make_user("reader", ["view_advicepage"])
    login(client, reader)
    assert client.post(reverse(mark, args=[page.pk])).status_code == 403
    assert client.post(reverse(fix, args=[ok_check.pk])).status_code == 403
    csrf_client = Client(enforce_csrf_checks=True)
    login(csrf_client, editor)
    assert csrf_client.post(reverse(mark, args=[page.pk])).status_code == 403


def test_editors_keep_the_ignore_list_and_an_ignored_link_leaves_the_report_at_once(
    client: Client, link_server: LinkServer, make_page: MakePage, editor: User
) -> None:
    page = make_page(body=body_linking(link_server, "/missing", "/error"))
    links.check_pages([page])
    login(client, editor)
    add = reverse("admin:microcredentials_ignoredlink_add")
    refused = client.post(add, {"address": "javascript:alert(1)", "note": ""})
    assert "Enter an address that starts with http:// or https://." in refused.content.decode()
    response = client.post(add, {"address": link_server.url("/miss"), "is_prefix": "on", "note": "Sign-in page"})
    assert response.status_code == 302
    assert list(page.link_checks.values_list("url", flat=True)) == [link_server.url("/error")]


def test_a_new_address_that_would_change_the_markdown_is_not_used(
    client: Client, link_server: LinkServer, make_page: MakePage, editor: User
) -> None:
    page = make_page(body=body_linking(link_server, "/moved"))
    links.check_pages([page])
    check = page.link_checks.get()
    check.final_url = "https://example.org/a) [click](javascript:alert(1)"
    check.save()
    login(client, editor)
    response = client.post(reverse("admin:microcredentials_linkcheck_use_new_address", args=[check.pk]), follow=True)
    assert "change the link by hand" in response.content.decode()
    page.refresh_from_db()
    assert page.version == 1
