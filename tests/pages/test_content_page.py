"""The shipped micro-credentials page: every section's facts reach the reader, cheaply."""

import html
import re

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from microcredentials.models import AdvicePage

ADVICE_URL = "/plan-your-career/micro-credentials/"

# Each section of content/pages/plan-your-career/micro-credentials.md and the facts it must state.
SECTION_FACTS = {
    "What micro-credentials are": [
        "build on the skills you already have",
        "the technology changes quickly",
        "move into a new line of work without taking time off",
        "the particular skills employers are asking for",
        "get credit for skills you already use at work",
        "electric vehicle batteries",
        "installing kitchens",
        "New Zealand Qualifications Authority (NZQA) keeps a list of the micro-credentials it has approved",
    ],
    "How micro-credentials differ from qualifications": [
        'employers, industries, communities or <span lang="mi">iwi</span> need the skills',
        "cannot simply repeat what an existing qualification already covers",
        "<td>5 to 40</td>",
        "<td>40 to 360</td>",
        "counted towards a qualification",
    ],
    "Can a micro-credential replace a qualification?": [
        "entry requirement",
        "you still need the qualification",
        "Where no qualification is required",
        "managed traineeship in kitchen installation",
    ],
    "Who offers micro-credentials": [
        "<li>universities</li>",
        '<li><span lang="mi">wānanga</span></li>',
        "<li>polytechnics and institutes of technology</li>",
        "<li>private training establishments (PTEs)</li>",
        "<li>employers</li>",
        "<li>professional bodies</li>",
    ],
    "How to get a micro-credential": [
        "study online",
        "learn in a classroom",
        "learn on the job",
        "skills you already have recognised and assessed",
    ],
    "How long a micro-credential takes": [
        "the level of the course and how many credits it is worth",
        "One credit is about 10 hours of learning",
        "5-credit micro-credential is about 50 hours",
        "fit one around their job",
    ],
    "What micro-credentials cost": [
        "Ask the provider what yours will cost",
        "no more than $64 a credit, including GST",
        "10-credit micro-credential funded this way would usually cost $640 or less",
    ],
    "Fees Free and student loans": [
        "You cannot get a student loan or a student allowance for a micro-credential",
        "Since 2025, Fees Free pays for the final year",
        "at least half a year of full-time study (60 credits)",
        "Fees Free does not cover it",
    ],
    "Other names and digital badges": [
        "<li>nano-degree</li>",
        "<li>nano-credential</li>",
        "<li>managed traineeship</li>",
        "Otago Polytechnic's EduBits",
        "written without a hyphen, as microcredential",
        "digital badge",
        "NZQA record of achievement",
    ],
    "Where to find out more": [
        'href="https://www.nzqa.govt.nz/"',
        'href="https://www.feesfree.govt.nz/"',
        'href="https://www.studylink.govt.nz/"',
    ],
}


def sections(page_html: str) -> dict[str, str]:
    """The advice body split at its H2s: heading text -> the HTML up to the next H2."""
    body = page_html.split('<div class="advice__body">', 1)[1].split("</article>", 1)[0]
    parts = re.split(r'<h2 id="[^"]+">(.*?)</h2>', body)
    return {html.unescape(parts[i]): parts[i + 1] for i in range(1, len(parts), 2)}


@pytest.fixture
def page_html(client: Client, shipped_content: AdvicePage) -> str:
    response = client.get(ADVICE_URL)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_page_has_exactly_the_expected_sections_in_order(page_html: str) -> None:
    assert list(sections(page_html)) == list(SECTION_FACTS)


@pytest.mark.parametrize("heading", SECTION_FACTS)
def test_each_section_states_its_facts(page_html: str, heading: str) -> None:
    text = re.sub(r"\s+", " ", sections(page_html)[heading])
    missing = [fact for fact in SECTION_FACTS[heading] if fact not in text]
    assert missing == []


def test_title_summary_topic_and_updated_date(page_html: str) -> None:
    assert "<title>Micro-credentials | Careers advice</title>" in page_html
    assert '<meta name="description" content="Micro-credentials are short, focused courses' in page_html
    assert '<p class="lead">Micro-credentials are short, focused courses that teach a specific skill.' in page_html
    assert 'Updated <time datetime="2026-11-28">28 Nov 2026</time>' in page_html
    assert '<a href="/plan-your-career/">Plan your career</a>' in page_html


def test_te_reo_maori_keeps_its_macrons(page_html: str) -> None:
    assert "wānanga" in page_html
    assert "wananga" not in page_html.lower()


@pytest.mark.django_db
def test_an_advice_page_view_makes_at_most_four_queries(
    client: Client, shipped_content: AdvicePage, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client.get("/")  # loads the site-wide alert list and schedule, shared by every page until the next change
    with django_assert_max_num_queries(3):
        response = client.get(ADVICE_URL)
    assert response.status_code == 200
    assert "One credit is about 10 hours of learning" in response.content.decode()
