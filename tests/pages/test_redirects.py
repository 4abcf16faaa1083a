"""Old addresses of published pages answer 301 to where the page is now, in one hop."""

from collections.abc import Callable

import pytest
from django.test import Client

from microcredentials.models import AdvicePage, Redirect, Topic
from tests.editing.helpers import CONTENT_EDITORS, change_url, form_data, login, make_user

pytestmark = pytest.mark.django_db


def test_a_slug_change_in_the_admin_leaves_a_permanent_redirect(
    client: Client, make_page: Callable[..., AdvicePage]
) -> None:
    page = make_page()
    login(client, make_user("aroha", CONTENT_EDITORS)).post(change_url(page), form_data(page, slug="cv-writing"))
    response = Client().get("/find-a-job/write-a-cv/")
    assert response.status_code == 301
    assert response["Location"] == "/find-a-job/cv-writing/"


def test_a_topic_change_redirects_and_chains_collapse_to_one_hop(
    make_page: Callable[..., AdvicePage], topic: Topic
) -> None:
    page = make_page()
    page.slug = "cv-writing"
    page.save()  # the shell, or load_content: any save counts
    other = Topic.objects.create(title="Study", slug="study", order=3)
    page.topic = other
    page.save()
    for old in ("/find-a-job/write-a-cv/", "/find-a-job/cv-writing/"):
        response = Client().get(old)
        assert (response.status_code, response["Location"]) == (301, "/study/cv-writing/")


def test_a_topic_slug_change_redirects_its_pages(make_page: Callable[..., AdvicePage], topic: Topic) -> None:
    make_page()
    topic.slug = "jobs"
    topic.save()
    assert Client().get("/find-a-job/write-a-cv/")["Location"] == "/jobs/write-a-cv/"


def test_drafts_get_no_redirect_and_a_redirect_never_shadows_a_live_page(
    make_page: Callable[..., AdvicePage],
) -> None:
    draft = make_page(status=AdvicePage.Status.DRAFT)
    draft.slug = "renamed"
    draft.save()
    assert not Redirect.objects.exists()
    moved = make_page(slug="old", title="Old")
    moved.slug = "new"
    moved.save()
    make_page(slug="old", title="A new page at the old address")
    assert "A new page at the old address" in Client().get("/find-a-job/old/").content.decode()
    assert not Redirect.objects.filter(old_path="/find-a-job/old/").exists()
