"""What features declare to the site-wide plumbing, and that it holds."""

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import clear_url_caches, resolve

from careers_site.pagecache.decorators import cache_public_page
from microcredentials import models
from microcredentials.models import AdvicePage, Topic
from microcredentials.pages import rendering
from tests.editing.helpers import CONTENT_EDITORS, change_url, form_data, login, make_user


def test_search_declares_the_query_parameters_it_is_cached_by() -> None:
    assert resolve("/search/").func.page_cache_query_keys == frozenset({"q", "page"})  # type: ignore[attr-defined]
    assert resolve("/tools/study-time/").func.__dict__.get("page_cache_query_keys") is None


def test_a_view_that_declares_no_query_keys_is_never_cached_with_a_query_string(
    client: Client, shipped_content: AdvicePage
) -> None:
    client.get("/plan-your-career/?utm=1")
    second = client.get("/plan-your-career/?utm=1")
    assert "public" not in second.get("Cache-Control", "")
    assert client.get("/plan-your-career/").get("Cache-Control", "").startswith("public")
    assert cache_public_page(lambda request: HttpResponse()).page_cache_query_keys == frozenset()


@pytest.mark.django_db
def test_reserved_topic_slugs_come_from_the_urlconf_including_a_custom_admin_path() -> None:
    assert {"search", "contact", "tools", "alerts", "feedback", "markdownx", "static", "media"} <= (
        models.reserved_topic_slugs()
    )
    models.reserved_topic_slugs.cache_clear()
    try:
        with override_settings(ADMIN_PATH="staff-only/"):
            import importlib

            import careers_site.urls

            importlib.reload(careers_site.urls)
            clear_url_caches()
            assert "staff-only" in models.reserved_topic_slugs()
            topic = Topic(title="Staff", slug="staff-only")
            with pytest.raises(Exception, match="used by the site itself"):
                topic.clean()
    finally:
        import importlib

        import careers_site.urls

        importlib.reload(careers_site.urls)
        clear_url_caches()
        models.reserved_topic_slugs.cache_clear()


@pytest.mark.django_db
def test_an_admin_save_renders_the_markdown_once(
    client: Client, make_page: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = make_page()  # type: ignore[operator]
    calls: list[str] = []
    real_render = rendering.render_body

    def counting_render(source: str) -> rendering.RenderedBody:
        calls.append(source)
        return real_render(source)

    for module in ("microcredentials.pages.rendering", "microcredentials.models", "microcredentials.editing.forms",
                   "microcredentials.pages.content_checks"):  # fmt: skip
        monkeypatch.setattr(f"{module}.render_body", counting_render)
    login(client, make_user("aroha", CONTENT_EDITORS))
    response = client.post(change_url(page), form_data(page, body="## Start here\n\nKeep it brief.\n"))
    assert response.status_code == 302
    page.refresh_from_db()
    assert "Keep it brief." in page.body_html
    assert len(calls) == 1
