"""'Was this page useful?': storing answers, the guards (cross-site posts, honeypot, rate limit), the form."""

import re
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils.cache import get_max_age

from microcredentials.feedback.answers import RATE_LIMIT, TOO_MANY
from microcredentials.models import AdvicePage, PageFeedback, RateLimitCount
from tests.signing_in import sign_in

PAGE_URL = "/plan-your-career/micro-credentials/"


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    """Cached pages are kept between requests: start every test with a clean slate (the rate limit's counts are
    rows in the test database, which each test starts without)."""
    cache.clear()
    yield
    cache.clear()


def feedback_url(page: AdvicePage) -> str:
    return f"/feedback/{page.pk}/"


def assert_not_cacheable(response: object) -> None:
    directives = {part.strip() for part in response["Cache-Control"].split(",")}  # type: ignore[index]
    assert {"private", "no-store"} <= directives


@pytest.mark.django_db
def test_yes_is_stored_and_redirects_back_with_thanks(client: Client, shipped_content: AdvicePage) -> None:
    response = client.post(feedback_url(shipped_content), {"useful": "yes", "comment": "ignored after Yes"})
    assert response.status_code == 303
    assert response["Location"] == f"{PAGE_URL}?feedback=thanks#feedback"
    assert_not_cacheable(response)
    [row] = PageFeedback.objects.all()
    assert (row.page, row.useful, row.comment) == (shipped_content, True, "")
    thanks = client.get(response["Location"]).content.decode()
    assert "Thank you for your feedback" in thanks
    assert "Was this page useful?" not in thanks


@pytest.mark.django_db
def test_no_with_a_comment_is_stored_without_anything_about_the_reader(
    client: Client, shipped_content: AdvicePage
) -> None:
    comment = "The fees section\r\ndid not say enough."
    response = client.post(feedback_url(shipped_content), {"useful": "no", "comment": comment})
    assert response.status_code == 303
    [row] = PageFeedback.objects.values()
    assert row["useful"] is False
    assert row["comment"] == "The fees section\ndid not say enough."
    assert set(row) == {"id", "page_id", "useful", "comment", "created_at"}


@pytest.mark.django_db
def test_no_opens_the_comment_box_without_javascript(client: Client, shipped_content: AdvicePage) -> None:
    html = client.get(PAGE_URL).content.decode()
    # The No button is a GET form back to the page, which then shows the comment box.
    assert f'<form method="get" action="{PAGE_URL}#feedback" data-feedback-no>' in html
    assert re.search(r"<form class=\"feedback__comment\"[^>]* hidden>", html)
    asked = client.get(PAGE_URL, {"feedback": "no"}).content.decode()
    assert re.search(r"<form class=\"feedback__comment\"[^>]*data-feedback-comment>", asked)
    assert re.search(r"data-feedback-answers hidden>", asked)
    assert '<label for="id_comment">What was wrong? (optional)</label>' in asked
    assert "Do not include personal details" in asked
    assert 'aria-describedby="id_comment_helptext"' in asked


@pytest.mark.django_db
def test_json_request_gets_json_and_stores_the_answer(client: Client, shipped_content: AdvicePage) -> None:
    response = client.post(
        feedback_url(shipped_content), {"useful": "no", "comment": "Too long"}, headers={"accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.json() == {"heading": "Thank you for your feedback", "message": "It helps us improve this page."}
    assert_not_cacheable(response)
    assert PageFeedback.objects.get().comment == "Too long"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "status"),
    [("text/html;q=0.5, application/json", 200), ("application/json;q=0.1, text/html", 303), ("*/*", 303)],
)
def test_json_or_a_redirect_as_the_accept_header_prefers(
    client: Client, shipped_content: AdvicePage, accept: str, status: int
) -> None:
    response = client.post(
        feedback_url(shipped_content), {"useful": "no", "comment": "Too long"}, headers={"accept": accept}
    )
    assert response.status_code == status
    if status == 200:
        assert response.json() == {
            "heading": "Thank you for your feedback",
            "message": "It helps us improve this page.",
        }
    assert PageFeedback.objects.get().comment == "Too long"


@pytest.mark.django_db
def test_over_long_comment_is_refused_with_the_text_kept(client: Client, shipped_content: AdvicePage) -> None:
    comment = "Kia ora <b>" + "x" * 1000
    response = client.post(feedback_url(shipped_content), {"useful": "no", "comment": comment})
    html = response.content.decode()
    assert response.status_code == 400
    assert_not_cacheable(response)
    message = "Your comment must be 1,000 characters or fewer. You have entered 1,011."
    assert f'<li><a href="#id_comment">{message}</a></li>' in html
    assert (
        f'<p class="field-error" id="id_comment_error"><span class="visually-hidden">Error: </span>{message}</p>'
        in html
    )
    assert 'aria-describedby="id_comment_helptext id_comment_error"' in html
    assert "Kia ora &lt;b&gt;" + "x" * 1000 + "</textarea>" in html
    assert not PageFeedback.objects.exists()


@pytest.mark.django_db
def test_exactly_1000_characters_with_line_breaks_is_accepted(client: Client, shipped_content: AdvicePage) -> None:
    comment = "\r\n".join(["x" * 99] * 10) + "x"  # 1,009 characters sent, 1,000 as the reader sees them
    response = client.post(feedback_url(shipped_content), {"useful": "no", "comment": comment})
    assert response.status_code == 303
    assert len(PageFeedback.objects.get().comment) == 1000


@pytest.mark.django_db
def test_over_long_comment_as_json(client: Client, shipped_content: AdvicePage) -> None:
    response = client.post(
        feedback_url(shipped_content), {"useful": "no", "comment": "x" * 1001}, headers={"accept": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["errors"]["comment"] == [
        "Your comment must be 1,000 characters or fewer. You have entered 1,001."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("useful", ["", "maybe", "YES"])
def test_a_missing_or_odd_answer_is_refused(client: Client, shipped_content: AdvicePage, useful: str) -> None:
    response = client.post(feedback_url(shipped_content), {"useful": useful})
    assert response.status_code == 400
    assert "Choose Yes or No" in response.content.decode()
    assert not PageFeedback.objects.exists()


@pytest.mark.django_db
def test_nul_characters_in_a_comment_are_refused_not_a_500(client: Client, shipped_content: AdvicePage) -> None:
    response = client.post(feedback_url(shipped_content), {"useful": "no", "comment": "bad\x00text"})
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()


@pytest.mark.django_db
def test_honeypot_refuses_and_stores_nothing(client: Client, shipped_content: AdvicePage) -> None:
    response = client.post(feedback_url(shipped_content), {"useful": "yes", "website": "http://spam.example"})
    assert response.status_code == 400
    assert "Your feedback could not be sent" in response.content.decode()
    assert_not_cacheable(response)
    assert not PageFeedback.objects.exists()


@pytest.mark.django_db
def test_honeypot_is_hidden_from_people_and_assistive_technology(client: Client, shipped_content: AdvicePage) -> None:
    html = client.get(PAGE_URL).content.decode()
    traps = re.findall(r'<div class="feedback__trap" aria-hidden="true">(.*?)</div>', html)
    assert len(traps) == 2
    for trap in traps:
        assert 'name="website" tabindex="-1" autocomplete="off"' in trap
    css = open("static/css/site.css", encoding="utf-8").read()
    assert ".feedback__trap { display: none; }" in css


@pytest.mark.django_db
def test_rate_limit_refuses_with_429_per_client(client: Client, shipped_content: AdvicePage) -> None:
    url = feedback_url(shipped_content)
    for _ in range(RATE_LIMIT):
        assert client.post(url, {"useful": "yes"}).status_code == 303
    refused = client.post(url, {"useful": "yes"})
    assert refused.status_code == 429
    assert TOO_MANY in refused.content.decode()
    assert_not_cacheable(refused)
    as_json = client.post(url, {"useful": "yes"}, headers={"accept": "application/json"})
    assert (as_json.status_code, as_json.json()) == (429, {"message": TOO_MANY})
    assert PageFeedback.objects.count() == RATE_LIMIT
    # Another client is not affected.
    assert client.post(url, {"useful": "yes"}, REMOTE_ADDR="192.0.2.7").status_code == 303


@pytest.mark.django_db
def test_rate_limit_keeps_no_address_in_clear(client: Client, shipped_content: AdvicePage) -> None:
    client.post(feedback_url(shipped_content), {"useful": "yes"}, REMOTE_ADDR="198.51.100.23")
    [row] = RateLimitCount.objects.all()
    assert row.count == 1
    assert "198.51.100.23" not in row.key
    assert re.fullmatch(r"feedback:[0-9a-f]{40}", row.key)


@pytest.mark.django_db
def test_a_post_from_another_site_is_refused(client: Client, shipped_content: AdvicePage) -> None:
    """The CSRF guard (security.refuse_cross_origin_posts); every case it decides is in test_cross_origin.py."""
    cross_site = {"origin": "https://elsewhere.example", "sec-fetch-site": "cross-site"}
    refused = client.post(feedback_url(shipped_content), {"useful": "yes"}, headers=cross_site)
    assert refused.status_code == 403
    assert "<h1>Your request could not be sent</h1>" in refused.content.decode()
    assert_not_cacheable(refused)
    assert not PageFeedback.objects.exists()
    # The same post from the page itself goes through, with no token: the page's form has none.
    same_origin = {"origin": "http://testserver", "sec-fetch-site": "same-origin"}
    accepted = client.post(feedback_url(shipped_content), {"useful": "yes"}, headers=same_origin)
    assert accepted.status_code == 303
    assert PageFeedback.objects.count() == 1


@pytest.mark.django_db
def test_only_post_and_only_live_pages(client: Client, shipped_content: AdvicePage) -> None:
    got = client.get(feedback_url(shipped_content))
    assert got.status_code == 405
    assert_not_cacheable(got)
    assert get_max_age(got) is None
    missing = client.post("/feedback/999999/", {"useful": "yes"})
    assert missing.status_code == 404
    assert_not_cacheable(missing)
    AdvicePage.objects.filter(pk=shipped_content.pk).update(status=AdvicePage.Status.DRAFT)
    assert client.post(feedback_url(shipped_content), {"useful": "yes"}).status_code == 404
    assert not PageFeedback.objects.exists()


@pytest.mark.django_db
def test_previews_of_drafts_have_no_feedback_form(
    client: Client, shipped_content: AdvicePage, staff_user: object
) -> None:
    AdvicePage.objects.filter(pk=shipped_content.pk).update(status=AdvicePage.Status.DRAFT)
    sign_in(client, staff_user, backend="django.contrib.auth.backends.ModelBackend")  # type: ignore[arg-type]
    html = client.get(PAGE_URL).content.decode()
    assert "Preview: not published." in html
    assert "Was this page useful?" not in html
