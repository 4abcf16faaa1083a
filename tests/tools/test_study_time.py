"""The study-time calculator: the sum, its wording, and every validation error, without JavaScript."""

import re

import pytest
from django.test import Client

from microcredentials.tools.study_time import StudyTime, StudyTimeForm, calculate

URL = "/tools/study-time/"


@pytest.mark.parametrize(
    ("credits", "hours", "weeks", "working"),
    [
        (15, 6, 25, "15 credits × about 10 hours = about 150 hours; at 6 hours a week, about 25 weeks"),
        (5, 4, 13, "5 credits × about 10 hours = about 50 hours; at 4 hours a week, about 13 weeks"),
        (1, 1, 10, "1 credit × about 10 hours = about 10 hours; at 1 hour a week, about 10 weeks"),
        (6, 60, 1, "6 credits × about 10 hours = about 60 hours; at 60 hours a week, about 1 week"),
        (360, 60, 60, "360 credits × about 10 hours = about 3,600 hours; at 60 hours a week, about 60 weeks"),
        (40, 7, 58, "40 credits × about 10 hours = about 400 hours; at 7 hours a week, about 58 weeks"),
    ],
)
def test_working_rounds_weeks_up_and_reads_naturally(credits: int, hours: int, weeks: int, working: str) -> None:
    estimate = StudyTime(credits=credits, hours_per_week=hours)
    assert estimate.weeks == weeks
    assert estimate.working == working


# Every page reads the site alert, so these tests need the database.
pytestmark = pytest.mark.django_db


def test_calculate_needs_a_valid_bound_form() -> None:
    assert calculate(StudyTimeForm()) is None
    assert calculate(StudyTimeForm({"credits": "15", "hours": "x"})) is None
    assert calculate(StudyTimeForm({"credits": " 15 ", "hours": "6"})) == StudyTime(15, 6)


def test_page_without_values_shows_an_empty_form_and_no_errors(client: Client) -> None:
    response = client.get(URL, {"utm_source": "newsletter"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Study-time calculator | Careers advice</title>" in html
    assert "There is a problem" not in html
    assert "aria-invalid" not in html
    assert "Enter the credits and the hours you can study each week to see an estimate." in html


def test_result_shows_the_working_and_names_the_source(client: Client) -> None:
    html = client.get(URL, {"credits": "15", "hours": "6"}).content.decode()
    assert "About <strong>25 weeks</strong>" in html
    assert "15 credits × about 10 hours = about 150 hours; at 6 hours a week, about 25 weeks" in html
    assert "one credit represents about 10 notional learning hours" in html
    assert "New Zealand Qualifications Authority (NZQA)" in html
    assert 'value="15"' in html and 'value="6"' in html


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"credits": "", "hours": "6"}, "credits", "Enter the number of credits the course is worth."),
        ({"hours": "6"}, "credits", "Enter the number of credits the course is worth."),
        ({"credits": "15", "hours": ""}, "hours", "Enter how many hours a week you can study."),
        ({"credits": "0", "hours": "6"}, "credits", "Credits must be between 1 and 360."),
        ({"credits": "361", "hours": "6"}, "credits", "Credits must be between 1 and 360."),
        ({"credits": "1.5", "hours": "6"}, "credits", "Credits must be a whole number, like 15."),
        ({"credits": "ten", "hours": "6"}, "credits", "Credits must be a whole number, like 15."),
        ({"credits": "15", "hours": "0"}, "hours", "Hours a week you can study must be between 1 and 60."),
        ({"credits": "15", "hours": "61"}, "hours", "Hours a week you can study must be between 1 and 60."),
        ({"credits": "15", "hours": "-2"}, "hours", "Hours a week you can study must be between 1 and 60."),
        ({"credits": "15", "hours": "\x00"}, "hours", "Enter how many hours a week you can study."),
        ({"credits": "9" * 400, "hours": "6"}, "credits", "Credits must be between 1 and 360."),
        ({"credits": "9" * 5000, "hours": "6"}, "credits", "Credits must be a whole number, like 15."),
    ],
)
def test_each_error_is_beside_its_field_and_in_the_summary(
    client: Client, params: dict[str, str], field: str, message: str
) -> None:
    response = client.get(URL, params)
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Study-time calculator | Careers advice</title>" in html
    # In the summary, linking to the field...
    assert f'<li><a href="#id_{field}">{message}</a></li>' in html
    # ...and beside the field, tied to it with aria-describedby.
    assert (
        f'<p class="field-error" id="id_{field}_error"><span class="visually-hidden">Error: </span>{message}</p>'
        in html
    )
    [field_input] = re.findall(rf'<input [^>]*id="id_{field}"[^>]*>', html)
    assert 'aria-invalid="true"' in field_input
    assert f'aria-describedby="id_{field}_helptext id_{field}_error"' in field_input
    assert "About <strong>" not in html


def test_fields_are_labelled_and_the_script_is_deferred(client: Client) -> None:
    html = client.get(URL).content.decode()
    assert '<label for="id_credits">Credits</label>' in html
    assert '<label for="id_hours">Hours a week you can study</label>' in html
    assert 'inputmode="numeric"' in html
    assert re.search(r'<script src="/static/js/study-time\.[0-9a-f]+\.js" defer></script>', html)
    assert 'aria-live="polite"' in html


@pytest.mark.django_db
def test_micro_credentials_page_links_to_the_calculator(client: Client, shipped_content: object) -> None:
    html = client.get("/plan-your-career/micro-credentials/").content.decode()
    assert '<a href="/tools/study-time/" rel="noopener noreferrer">study-time calculator</a>' in html
    assert "study-time.js" not in html


@pytest.mark.django_db
def test_control_characters_are_dropped_not_echoed(client: Client) -> None:
    response = client.get(URL, {"credits": "1\x005", "hours": "6\x07"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "15 credits × about 10 hours = about 150 hours; at 6 hours a week, about 25 weeks" in html
    assert "\x00" not in html and "\x07" not in html
