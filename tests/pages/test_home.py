"""The home page: key tasks and tools, the topics with their pages, recently updated pages; and what every page's
header and footer offer (the NZ Government Web Usability Standard's contact, copyright and govt.nz links)."""

import datetime
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from microcredentials.models import AdvicePage, Topic

MakePage = Callable[..., AdvicePage]


def main_of(html: str) -> str:
    return html.split('<main id="main-content" tabindex="-1">')[1].split("</main>")[0]


@pytest.mark.django_db
def test_home_has_one_h1_an_intro_and_the_key_tasks(client: Client, shipped_content: AdvicePage) -> None:
    html = client.get("/").content.decode()
    main = main_of(html)
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert '<p class="lead">Plain, practical advice on learning, training and finding work in' in main
    tasks = re.findall(r'<a href="([^"]+)">([^<]+)</a>', main.split('id="tasks-heading"')[1].split("</ul>")[0])
    assert tasks == [
        ("/tools/study-time/", "Work out how long a course will take"),
        ("/search/", "Search the advice"),
        ("/contact/", "Contact us"),
    ]
    assert re.findall(r"<h2 id=\"[^\"]+\">([^<]+)</h2>", main) == [
        "Start here",
        "Topics",
        "Recently updated",
    ]


@pytest.mark.django_db
def test_home_lists_topics_with_their_summaries_and_live_pages(client: Client, make_page: MakePage) -> None:
    make_page(summary="Make your CV short and clear.")
    make_page(slug="draft", title="A draft", status=AdvicePage.Status.DRAFT)
    make_page(slug="later", title="Not yet", publish_at=timezone.now() + datetime.timedelta(days=1))
    footer_topic = Topic.objects.create(title="About this site", slug="about-this-site", on_home_page=False)
    make_page(topic=footer_topic, slug="privacy", title="Privacy")
    main = main_of(client.get("/").content.decode())
    topic_section = main.split('aria-labelledby="topic-find-a-job"')[1].split("</section>")[0]
    assert '<h3 id="topic-find-a-job"><a href="/find-a-job/">Find a job</a></h3>' in topic_section
    assert "<p>Looking for work.</p>" in topic_section
    assert '<a href="/find-a-job/write-a-cv/">Write a CV</a><p>Make your CV short and clear.</p>' in topic_section
    for hidden in ("A draft", "Not yet", "Privacy", "About this site"):
        assert hidden not in main


@pytest.mark.django_db
def test_recently_updated_is_newest_public_updated_date_first_and_at_most_five(
    client: Client, make_page: MakePage
) -> None:
    dates = [datetime.date(2026, 1, day) for day in (3, 9, 1, 7, 5, 2)]
    for number, updated_on in enumerate(dates):
        make_page(slug=f"page-{number}", title=f"Page {number}", updated_on=updated_on)
    make_page(
        slug="draft", title="Newest but a draft", status=AdvicePage.Status.DRAFT, updated_on=datetime.date(2026, 2, 1)
    )
    recent = main_of(client.get("/").content.decode()).split('id="recent-heading"')[1]
    listed = re.findall(
        r'<a href="/find-a-job/(page-\d)/">[^<]+</a> <span class="updated">Updated <time datetime="([^"]+)">', recent
    )
    assert listed == [
        ("page-1", "2026-01-09"),
        ("page-3", "2026-01-07"),
        ("page-4", "2026-01-05"),
        ("page-0", "2026-01-03"),
        ("page-5", "2026-01-02"),
    ]
    assert "Newest but a draft" not in recent


@pytest.mark.django_db
def test_home_reads_its_pages_in_one_query_and_is_then_served_from_the_cache(
    client: Client, make_page: MakePage
) -> None:
    for number in range(4):
        make_page(slug=f"page-{number}", title=f"Page {number}")
    with CaptureQueriesContext(connection) as first:
        assert client.get("/").status_code == 200
    # The page cache also asks when the next scheduled change is; the pages themselves come in one query.
    assert sum('"microcredentials_advicepage"."title"' in query["sql"] for query in first.captured_queries) == 1
    with CaptureQueriesContext(connection) as again:
        assert client.get("/").status_code == 200
    assert not any("microcredentials_advicepage" in query["sql"] for query in again.captured_queries)


@pytest.mark.django_db
def test_a_te_reo_page_title_is_marked_as_te_reo_in_lists(client: Client, make_page: MakePage) -> None:
    maori = make_page(slug="tuhia-he-cv", title="Tuhia he CV")
    make_page(te_reo_version=maori)
    for url in ("/", "/find-a-job/"):
        html = client.get(url).content.decode()
        assert '<a href="/find-a-job/tuhia-he-cv/" lang="mi">Tuhia he CV</a>' in html
        assert '<a href="/find-a-job/write-a-cv/">Write a CV</a>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/plan-your-career/micro-credentials/", "/contact/", "/no-such-page/"])
def test_every_page_has_contact_us_in_the_header_and_copyright_and_govt_nz_in_the_footer(
    client: Client, shipped_content: AdvicePage, url: str
) -> None:
    html = client.get(url).content.decode()
    header = html.split('<header class="site-header">')[1].split("</header>")[0]
    footer = html.split('<footer class="site-footer">')[1].split("</footer>")[0]
    assert '<a class="site-header__link" href="/contact/">Contact us</a>' in header
    assert '<a href="/about-this-site/copyright/">Copyright and re-use</a>' in footer
    assert '<a href="https://www.govt.nz/">govt.nz</a>' in footer


@pytest.mark.django_db
def test_the_copyright_page_gives_the_licence_how_to_credit_and_what_is_excluded(
    client: Client, shipped_content: AdvicePage
) -> None:
    response = client.get("/about-this-site/copyright/")
    assert response.status_code == 200
    main = main_of(response.content.decode())
    assert "<h1>Copyright and re-use</h1>" in main
    assert (
        '<a href="https://creativecommons.org/licenses/by/4.0/" rel="noopener noreferrer">Creative Commons '
        "Attribution 4.0 International licence</a>"
    ) in main
    for heading in ("You can re-use our content", "How to say where it came from", "What the licence does not cover"):
        assert f">{heading}</h2>" in main
    facts = [
        "including a commercial one",
        "name this site as the source",
        "logos, emblems and trade marks",
        "content that belongs to someone else",
        '<a href="/contact/" rel="noopener noreferrer">contact us</a>',
    ]
    for fact in facts:
        assert fact in main
